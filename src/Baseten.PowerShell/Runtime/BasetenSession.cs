using System;
using System.Collections;
using System.Management.Automation;
using Baseten.Core.Http;

namespace Baseten.PowerShell
{
    /// <summary>
    /// Process-wide state: the signed-in context and the one HTTP client. Process-wide (not per runspace) so
    /// ForEach-Object -Parallel and thread jobs see the sign-in and share one connection pool.
    /// </summary>
    internal static class BasetenSession
    {
        public const string ApiKeyVariable = "BASETEN_API_KEY";
        public const string ApiUrlVariable = "BASETEN_API_URL";

        private static readonly object Gate = new object();
        private static BasetenContext _context;
        // One pooled client per proxy setting (null key: the system/environment proxy); nearly always just one.
        private static readonly System.Collections.Generic.Dictionary<ProxySettings, BasetenHttpClient> ProxiedClients =
            new System.Collections.Generic.Dictionary<ProxySettings, BasetenHttpClient>();
        private static BasetenHttpClient _client;

        /// <summary>The context set by Connect-Baseten, or null.</summary>
        public static BasetenContext Context
        {
            get { lock (Gate) return _context; }
            set { lock (Gate) _context = value; }
        }

        /// <summary>
        /// The context to use: Connect-Baseten's, else one from the environment variables (runbooks), else null.
        /// Throws <see cref="ArgumentException"/> when BASETEN_API_URL is not an acceptable base URI.
        /// </summary>
        public static BasetenContext Resolve()
        {
            var context = Context;
            if (context != null) return context;
            var key = Environment.GetEnvironmentVariable(ApiKeyVariable);
            if (string.IsNullOrWhiteSpace(key)) return null;
            return new BasetenContext(new BasetenConnection(BaseUriFromEnvironment(), key, BasetenConnection.DefaultTimeout), BasetenContext.EnvironmentSource);
        }

        /// <summary>$env:BASETEN_API_URL, or Baseten's production API.</summary>
        public static Uri BaseUriFromEnvironment()
        {
            var url = Environment.GetEnvironmentVariable(ApiUrlVariable);
            if (string.IsNullOrWhiteSpace(url)) return BasetenConnection.DefaultBaseUri;
            if (!Uri.TryCreate(url.Trim(), UriKind.Absolute, out var uri))
                throw new ArgumentException($"${ApiUrlVariable} is '{url}', which is not an absolute URI. Give one like https://api.baseten.co.");
            return uri;
        }

        /// <summary>
        /// The shared client for a proxy setting, created on first use with a User-Agent naming this PowerShell.
        /// Every runspace of the process shares it, so parallel pipelines share one connection pool.
        /// </summary>
        public static BasetenHttpClient GetClient(PSCmdlet cmdlet, ProxySettings proxy)
        {
            lock (Gate)
            {
                if (proxy == null)
                    return _client ?? (_client = new BasetenHttpClient(UserAgent.Build("PowerShell", PowerShellVersion(cmdlet))));
                if (!ProxiedClients.TryGetValue(proxy, out var client))
                {
                    client = new BasetenHttpClient(UserAgent.Build("PowerShell", PowerShellVersion(cmdlet)), BasetenHttpClient.CreateHandler(proxy));
                    ProxiedClients[proxy] = client;
                }
                return client;
            }
        }

        private static string PowerShellVersion(PSCmdlet cmdlet)
        {
            var table = cmdlet.SessionState.PSVariable.GetValue("PSVersionTable") as Hashtable;
            return table?["PSVersion"]?.ToString() ?? "unknown";
        }
    }
}
