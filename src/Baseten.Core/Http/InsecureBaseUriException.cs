using System;

namespace Baseten.Core.Http
{
    /// <summary>A plain-http base URI to another machine: the API key would cross the network unencrypted.</summary>
    public sealed class InsecureBaseUriException : ArgumentException
    {
        public InsecureBaseUriException(Uri baseUri)
            : base($"The base URI '{baseUri}' uses plain http to a host that is not this machine, so the API key would be sent unencrypted. " +
                   "Use https, or http only to a loopback host (localhost, 127.0.0.1, ::1) such as the local emulator.", "baseUri")
        {
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }
    }
}
