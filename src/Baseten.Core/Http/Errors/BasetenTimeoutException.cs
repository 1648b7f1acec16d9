using System;

namespace Baseten.Core.Http
{
    /// <summary>A request took longer than the connection's timeout.</summary>
    public sealed class BasetenTimeoutException : BasetenException
    {
        public BasetenTimeoutException(TimeSpan timeout, string method, string path, Exception inner)
            : base($"The Baseten API did not answer {method} /{path} within {timeout.TotalSeconds:0.###} seconds.", method, path, inner)
        {
            Timeout = timeout;
        }

        public TimeSpan Timeout { get; }
    }
}
