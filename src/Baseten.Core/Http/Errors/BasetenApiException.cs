using System;

namespace Baseten.Core.Http
{
    /// <summary>The API answered with a status other than 2xx. Scripts can branch on <see cref="StatusCode"/>.</summary>
    public sealed class BasetenApiException : BasetenException
    {
        public BasetenApiException(int statusCode, string reasonPhrase, string apiMessage, string responseBody,
            string method, string path, string requestId, TimeSpan? retryAfter = null)
            : base(BuildMessage(statusCode, reasonPhrase, apiMessage, method, path), method, path)
        {
            StatusCode = statusCode;
            ReasonPhrase = reasonPhrase;
            ApiMessage = apiMessage;
            ResponseBody = responseBody;
            RequestId = requestId;
            RetryAfter = retryAfter;
        }

        /// <summary>How long the API asked the client to wait (retry_after or Retry-After), if it did.</summary>
        public TimeSpan? RetryAfter { get; }

        public int StatusCode { get; }

        public string ReasonPhrase { get; }

        /// <summary>The API's own words (its error, message or detail field), or the raw body when it has none.</summary>
        public string ApiMessage { get; }

        /// <summary>The body as received, truncated if long, with secret-like fields redacted.</summary>
        public string ResponseBody { get; }

        /// <summary>The request id the API sent back, if any, for Baseten support.</summary>
        public string RequestId { get; }

        private static string BuildMessage(int status, string reason, string apiMessage, string method, string path)
        {
            var said = string.IsNullOrWhiteSpace(apiMessage) ? string.Empty : ": " + apiMessage;
            return $"The Baseten API answered {status} {reason} to {method} /{path}{said}";
        }
    }
}
