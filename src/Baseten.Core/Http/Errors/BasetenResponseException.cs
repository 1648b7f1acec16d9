using System;

namespace Baseten.Core.Http
{
    /// <summary>The API answered 2xx, but with a body that is not the JSON the operation returns.</summary>
    public sealed class BasetenResponseException : BasetenException
    {
        public BasetenResponseException(string problem, int statusCode, string responseBody, string method, string path, Exception inner = null)
            : base($"The Baseten API answered {statusCode} to {method} /{path}, but {problem}", method, path, inner)
        {
            StatusCode = statusCode;
            ResponseBody = responseBody;
        }

        public int StatusCode { get; }

        /// <summary>The start of the body as received, redacted.</summary>
        public string ResponseBody { get; }
    }
}
