using System;

namespace Baseten.Core.Http
{
    /// <summary>Base of every failure of a call to the API; says which request failed (never with the key).</summary>
    public abstract class BasetenException : Exception
    {
        protected BasetenException(string message, string method, string path, Exception inner = null)
            : base(message, inner)
        {
            Method = method;
            Path = path;
        }

        /// <summary>The HTTP method of the failed request.</summary>
        public string Method { get; }

        /// <summary>The path of the failed request, as sent (escaped), without the host.</summary>
        public string Path { get; }
    }
}
