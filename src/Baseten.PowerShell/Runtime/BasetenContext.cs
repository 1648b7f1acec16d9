using System;
using Baseten.Core.Http;

namespace Baseten.PowerShell
{
    /// <summary>
    /// The sign-in the cmdlets use: where requests go and a masked view of the key. What
    /// <c>Connect-Baseten</c> and <c>Get-BasetenContext</c> emit. The key itself is internal, so neither
    /// Format-List *, ConvertTo-Json nor Export-Clixml can show it.
    /// </summary>
    public sealed class BasetenContext
    {
        /// <summary>The context came from <c>Connect-Baseten</c>.</summary>
        public const string SessionSource = "Session";

        /// <summary>The context came from $env:BASETEN_API_KEY (and $env:BASETEN_API_URL).</summary>
        public const string EnvironmentSource = "Environment";

        internal BasetenContext(BasetenConnection connection, string source)
        {
            Connection = connection;
            Source = source;
        }

        public Uri BaseUri => Connection.BaseUri;

        /// <summary>The key with all but its public prefix (or last four characters) hidden.</summary>
        public string ApiKey => Connection.MaskedApiKey;

        /// <summary>Session (Connect-Baseten) or Environment (BASETEN_API_KEY).</summary>
        public string Source { get; }

        /// <summary>How long one attempt of a request may take.</summary>
        public int TimeoutSec => (int)Connection.Timeout.TotalSeconds;

        /// <summary>Retries of a transient failure (429, 408, 502, 503, 504, a dropped connection).</summary>
        public int MaxRetry => Connection.RetryPolicy.MaxRetries;

        /// <summary>The most time the waits between retries of one call may add up to.</summary>
        public int MaxRetryTimeSec => (int)Connection.RetryPolicy.MaxRetryTime.TotalSeconds;

        /// <summary>The explicit proxy, or null for the system and HTTPS_PROXY/HTTP_PROXY/NO_PROXY proxy.</summary>
        public Uri Proxy => Connection.Proxy?.Address;

        internal BasetenConnection Connection { get; }

        public override string ToString() => BaseUri.ToString();
    }
}
