using System;
using System.Net;

namespace Baseten.Core.Http
{
    /// <summary>
    /// An explicit proxy for the API's traffic. Without one, the system proxy and HTTPS_PROXY / HTTP_PROXY /
    /// NO_PROXY apply, as .NET reads them. Value equality, so one pooled client serves each distinct proxy.
    /// </summary>
    public sealed class ProxySettings : IEquatable<ProxySettings>
    {
        public ProxySettings(Uri address, NetworkCredential credential, bool useDefaultCredentials)
        {
            Address = address ?? throw new ArgumentNullException(nameof(address));
            if (!address.IsAbsoluteUri || (address.Scheme != Uri.UriSchemeHttp && address.Scheme != Uri.UriSchemeHttps))
                throw new ArgumentException($"The proxy '{address}' is not an absolute http or https URI, such as http://proxy.example.com:3128.", nameof(address));
            if (credential != null && useDefaultCredentials)
                throw new ArgumentException("Give a proxy credential or use the default credentials, not both.", nameof(credential));
            Credential = credential;
            UseDefaultCredentials = useDefaultCredentials;
        }

        public Uri Address { get; }

        /// <summary>Sent to the proxy only (Proxy-Authorization), never to the API.</summary>
        internal NetworkCredential Credential { get; }

        public bool UseDefaultCredentials { get; }

        internal IWebProxy ToWebProxy() => new WebProxy(Address)
        {
            // Loopback targets go through the proxy too: a proxy was asked for, and tests need to see it used.
            BypassProxyOnLocal = false,
            // Credentials alone: WebProxy.UseDefaultCredentials = false would set Credentials back to null.
            Credentials = UseDefaultCredentials ? CredentialCache.DefaultCredentials : Credential,
        };

        public bool Equals(ProxySettings other) =>
            other != null
            && Address == other.Address
            && UseDefaultCredentials == other.UseDefaultCredentials
            && string.Equals(Credential?.UserName, other.Credential?.UserName, StringComparison.Ordinal)
            && string.Equals(Credential?.Password, other.Credential?.Password, StringComparison.Ordinal)
            && string.Equals(Credential?.Domain, other.Credential?.Domain, StringComparison.Ordinal);

        public override bool Equals(object obj) => Equals(obj as ProxySettings);

        public override int GetHashCode() => Address.GetHashCode() ^ (Credential?.UserName?.GetHashCode() ?? 0) ^ UseDefaultCredentials.GetHashCode();

        /// <summary>The address only: the credential is never shown.</summary>
        public override string ToString() => Address.ToString();
    }
}
