using System;
using System.Management.Automation;

namespace Baseten.PowerShell.Cmdlets
{
    /// <summary>
    /// <para type="synopsis">Shows the Baseten sign-in the cmdlets will use, with the key masked.</para>
    /// </summary>
    [Cmdlet(VerbsCommon.Get, "BasetenContext")]
    [OutputType(typeof(BasetenContext))]
    public sealed class GetBasetenContextCommand : PSCmdlet
    {
        protected override void ProcessRecord()
        {
            try
            {
                var context = BasetenSession.Resolve();
                if (context == null) WriteVerbose("Not signed in: run Connect-Baseten or set $env:BASETEN_API_KEY.");
                else WriteObject(context);
            }
            catch (ArgumentException ex)
            {
                WriteError(BasetenErrors.BaseUriRecord(ex, Environment.GetEnvironmentVariable(BasetenSession.ApiUrlVariable)));
            }
        }
    }
}
