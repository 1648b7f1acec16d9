using System.Management.Automation;

namespace Baseten.PowerShell.Cmdlets
{
    /// <summary>
    /// <para type="synopsis">Forgets the session's Baseten sign-in.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Disconnect, "Baseten", SupportsShouldProcess = true)]
    [OutputType(typeof(BasetenContext))]
    public sealed class DisconnectBasetenCommand : PSCmdlet
    {
        /// <summary>Emit the context that was forgotten.</summary>
        [Parameter]
        public SwitchParameter PassThru { get; set; }

        protected override void ProcessRecord()
        {
            var context = BasetenSession.Context;
            if (context == null)
            {
                WriteVerbose("Not signed in with Connect-Baseten; nothing to forget.");
                return;
            }
            if (!ShouldProcess(context.BaseUri.ToString(), "Forget the Baseten sign-in")) return;
            BasetenSession.Context = null;
            if (PassThru) WriteObject(context);
        }
    }
}
