using System;
using System.Net;

namespace Baseten.Core.Http
{
    /// <summary>
    /// Where requests go and the key they carry. The key is not a public property and never appears in
    /// <see cref="ToString"/>, so a connection can be shown, logged or put in an error without leaking it.
    /// </summary>
    public sealed class BasetenConnection
    {
        /// <summary>Baseten's production API.</summary>
        public static readonly Uri DefaultBaseUri = new Uri("https://api.baseten.co/");

        /// <summary>How long one request may take before it ends with a timeout.</summary>
        public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(100);

        public BasetenConnection(Uri baseUri, string apiKey, TimeSpan timeout)
            : this(baseUri, apiKey, timeout, RetryPolicy.Default, null)
        {
        }

        public BasetenConnection(Uri baseUri, string apiKey, TimeSpan timeout, RetryPolicy retryPolicy, ProxySettings proxy)
        {
            if (string.IsNullOrWhiteSpace(apiKey)) throw new ArgumentException("The API key is empty.", nameof(apiKey));
            if (timeout <= TimeSpan.Zero) throw new ArgumentOutOfRangeException(nameof(timeout), "The timeout must be positive.");
            BaseUri = NormalizeBaseUri(baseUri ?? DefaultBaseUri);
            ApiKey = apiKey.Trim();
            Timeout = timeout;
            RetryPolicy = retryPolicy ?? RetryPolicy.Default;
            Proxy = proxy;
        }

        public Uri BaseUri { get; }

        /// <summary>How long one attempt of a request may take.</summary>
        public TimeSpan Timeout { get; }

        /// <summary>How transient failures are retried.</summary>
        public RetryPolicy RetryPolicy { get; }

        /// <summary>An explicit proxy, or null for the system and environment proxy.</summary>
        public ProxySettings Proxy { get; }

        /// <summary>The same connection with another per-attempt timeout (a per-call -TimeoutSec).</summary>
        public BasetenConnection WithTimeout(TimeSpan timeout) => new BasetenConnection(BaseUri, ApiKey, timeout, RetryPolicy, Proxy);

        /// <summary>The same connection with another retry policy (a per-call -MaxRetry).</summary>
        public BasetenConnection WithRetryPolicy(RetryPolicy policy) => new BasetenConnection(BaseUri, ApiKey, Timeout, policy, Proxy);

        internal string ApiKey { get; }

        /// <summary>The key with all but a short, non-secret part hidden.</summary>
        public string MaskedApiKey => MaskKey(ApiKey);

        public override string ToString() => BaseUri.ToString();

        /// <summary>
        /// Checks a base URI and gives it a trailing slash (so relative paths append instead of replacing its last
        /// segment). The key may cross a network only encrypted: plain http is refused except to this machine.
        /// </summary>
        public static Uri NormalizeBaseUri(Uri baseUri)
        {
            if (baseUri == null) throw new ArgumentNullException(nameof(baseUri));
            if (!baseUri.IsAbsoluteUri)
                throw new ArgumentException($"The base URI '{baseUri}' is not absolute. Give one like https://api.baseten.co.", nameof(baseUri));
            var scheme = baseUri.Scheme;
            if (scheme != Uri.UriSchemeHttps && scheme != Uri.UriSchemeHttp)
                throw new ArgumentException($"The base URI '{baseUri}' is not http or https. Give one like https://api.baseten.co.", nameof(baseUri));
            if (scheme == Uri.UriSchemeHttp && !IsLoopback(baseUri))
                throw new InsecureBaseUriException(baseUri);
            if (!string.IsNullOrEmpty(baseUri.Query) || !string.IsNullOrEmpty(baseUri.Fragment))
                throw new ArgumentException($"The base URI '{baseUri}' must not have a query or fragment.", nameof(baseUri));
            var builder = new UriBuilder(baseUri);
            if (!builder.Path.EndsWith("/", StringComparison.Ordinal)) builder.Path += "/";
            return builder.Uri;
        }

        /// <summary>127.0.0.0/8, ::1 and localhost: traffic that never leaves this machine.</summary>
        public static bool IsLoopback(Uri uri)
        {
            if (string.Equals(uri.Host, "localhost", StringComparison.OrdinalIgnoreCase)) return true;
            return IPAddress.TryParse(uri.DnsSafeHost, out var address) && IPAddress.IsLoopback(address);
        }

        internal static string MaskKey(string key)
        {
            if (string.IsNullOrEmpty(key)) return string.Empty;
            // Baseten keys are "<prefix>.<secret>"; the prefix is the key's public name (API key lists show it).
            var dot = key.IndexOf('.');
            if (dot > 0 && dot <= 16 && key.Length - dot > 8) return key.Substring(0, dot) + ".********";
            return key.Length >= 20 ? "********" + key.Substring(key.Length - 4) : "********";
        }
    }
}
