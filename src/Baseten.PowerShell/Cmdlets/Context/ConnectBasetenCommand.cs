using System;
using System.Management.Automation;
using System.Runtime.InteropServices;
using System.Security;
using Baseten.Core.Http;

namespace Baseten.PowerShell.Cmdlets
{
    /// <summary>
    /// <para type="synopsis">Signs in to the Baseten management API for this session.</para>
    /// </summary>
    [Cmdlet(VerbsCommunications.Connect, "Baseten", DefaultParameterSetName = ApiKeySet, SupportsShouldProcess = true)]
    [OutputType(typeof(BasetenContext))]
    public sealed class ConnectBasetenCommand : PSCmdlet
    {
        private const string ApiKeySet = "ApiKey";
        private const string CredentialSet = "Credential";

        /// <summary>The API key. A SecureString so it stays out of history and transcripts.</summary>
        [Parameter(Mandatory = true, Position = 0, ParameterSetName = ApiKeySet, HelpMessage = "Your Baseten API key, as a SecureString.")]
        [ValidateNotNull]
        public SecureString ApiKey { get; set; }

        /// <summary>A credential whose password is the API key (the user name is ignored).</summary>
        [Parameter(Mandatory = true, ParameterSetName = CredentialSet, HelpMessage = "A credential whose password is the Baseten API key.")]
        [ValidateNotNull]
        [Credential]
        public PSCredential Credential { get; set; }

        /// <summary>The API's base URI; default $env:BASETEN_API_URL or https://api.baseten.co.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri BaseUri { get; set; }

        /// <summary>How long one request may take, in seconds.</summary>
        [Parameter]
        [ValidateRange(1, 3600)]
        public int TimeoutSec { get; set; } = (int)BasetenConnection.DefaultTimeout.TotalSeconds;

        /// <summary>Retries of a transient failure (429, 408, 502, 503, 504, a dropped connection); 0 turns retrying off.</summary>
        [Parameter]
        [ValidateRange(0, 10)]
        public int MaxRetry { get; set; } = RetryPolicy.Default.MaxRetries;

        /// <summary>The most seconds the waits between retries of one call may add up to.</summary>
        [Parameter]
        [ValidateRange(0, 3600)]
        public int MaxRetryTimeSec { get; set; } = (int)RetryPolicy.Default.MaxRetryTime.TotalSeconds;

        /// <summary>The first backoff wait in seconds when the API asks for none; it doubles per retry, with jitter.</summary>
        [Parameter]
        [ValidateRange(0.01, 60.0)]
        public double RetryDelaySec { get; set; } = RetryPolicy.Default.BaseDelay.TotalSeconds;

        /// <summary>A proxy for the API's traffic, instead of the system proxy and HTTPS_PROXY/NO_PROXY.</summary>
        [Parameter]
        [ValidateNotNull]
        public Uri Proxy { get; set; }

        /// <summary>The proxy's credential (sent to the proxy only).</summary>
        [Parameter]
        [ValidateNotNull]
        [Credential]
        public PSCredential ProxyCredential { get; set; }

        /// <summary>Authenticate to the proxy as the current user.</summary>
        [Parameter]
        public SwitchParameter ProxyUseDefaultCredentials { get; set; }

        protected override void ProcessRecord()
        {
            var key = ParameterSetName == CredentialSet ? Credential.GetNetworkCredential().Password : ReadSecureString(ApiKey);
            if (string.IsNullOrWhiteSpace(key))
            {
                ThrowTerminatingError(BasetenErrors.InvalidInput(
                    new ArgumentException("The API key is empty. Give the key Baseten showed when it was created (Settings > API keys)."),
                    "EmptyApiKey", ParameterSetName == CredentialSet ? (object)Credential.UserName : null));
            }

            var proxy = ReadProxySettings();
            BasetenConnection connection;
            var baseUri = BaseUri;
            try
            {
                baseUri = baseUri ?? BasetenSession.BaseUriFromEnvironment();
                var retry = new RetryPolicy(MaxRetry, TimeSpan.FromSeconds(RetryDelaySec), RetryPolicy.Default.MaxDelay,
                    TimeSpan.FromSeconds(MaxRetryTimeSec));
                connection = new BasetenConnection(baseUri, key, TimeSpan.FromSeconds(TimeoutSec), retry, proxy);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(BasetenErrors.BaseUriRecord(ex, baseUri));
                return;
            }

            if (!ShouldProcess(connection.BaseUri.ToString(), "Sign in to the Baseten API")) return;
            var context = new BasetenContext(connection, BasetenContext.SessionSource);
            BasetenSession.Context = context;
            WriteObject(context);
        }

        private ProxySettings ReadProxySettings()
        {
            if (Proxy == null)
            {
                if (ProxyCredential != null || ProxyUseDefaultCredentials)
                    ThrowTerminatingError(BasetenErrors.InvalidInput(
                        new ArgumentException("-ProxyCredential and -ProxyUseDefaultCredentials need -Proxy, the proxy's address."), "ProxyWithoutAddress", null));
                return null;
            }
            try
            {
                return new ProxySettings(Proxy, ProxyCredential?.GetNetworkCredential(), ProxyUseDefaultCredentials);
            }
            catch (ArgumentException ex)
            {
                ThrowTerminatingError(BasetenErrors.InvalidInput(ex, "InvalidProxy", Proxy));
                return null;
            }
        }

        private static string ReadSecureString(SecureString secure)
        {
            var pointer = IntPtr.Zero;
            try
            {
                pointer = Marshal.SecureStringToGlobalAllocUnicode(secure);
                return Marshal.PtrToStringUni(pointer);
            }
            finally
            {
                if (pointer != IntPtr.Zero) Marshal.ZeroFreeGlobalAllocUnicode(pointer);
            }
        }
    }
}
