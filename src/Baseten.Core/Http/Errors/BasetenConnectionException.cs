using System;

namespace Baseten.Core.Http
{
    /// <summary>The API could not be reached (DNS, refused or dropped connection, TLS).</summary>
    public sealed class BasetenConnectionException : BasetenException
    {
        public BasetenConnectionException(Uri host, string method, string path, Exception inner)
            : base($"Could not reach the Baseten API at {host.GetLeftPart(UriPartial.Authority)} for {method} /{path}: {Describe(inner)}",
                  method, path, inner)
        {
        }

        private static string Describe(Exception inner)
        {
            // HttpRequestException's own message is generic; the socket error under it says what happened.
            var innermost = inner;
            while (innermost.InnerException != null) innermost = innermost.InnerException;
            return innermost == inner ? inner.Message : inner.Message + " (" + innermost.Message + ")";
        }
    }
}
