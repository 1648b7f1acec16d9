using System;

namespace Baseten.Emulator
{
    /// <summary>
    /// One request the emulator answered, as tests need to check it. The API key is deliberately
    /// absent: only the scheme word of the Authorization header is kept, so a log can be printed or
    /// attached to a CI report without leaking a credential.
    /// </summary>
    public sealed class RecordedRequest
    {
        internal RecordedRequest(
            string method,
            string path,
            string query,
            string body,
            string contentType,
            string userAgent,
            string authorizationScheme,
            int statusCode,
            string responseBody,
            DateTimeOffset timestamp,
            string fault = null,
            bool responseLost = false)
        {
            Method = method;
            Path = path;
            Query = query;
            Body = body;
            ContentType = contentType;
            UserAgent = userAgent;
            AuthorizationScheme = authorizationScheme;
            StatusCode = statusCode;
            ResponseBody = responseBody;
            Timestamp = timestamp;
            Fault = fault;
            ResponseLost = responseLost;
        }

        /// <summary>HTTP method, upper case as sent.</summary>
        public string Method { get; }

        /// <summary>The path as received, still URL-escaped, without the query.</summary>
        public string Path { get; }

        /// <summary>The raw query without the leading '?'; empty when there was none.</summary>
        public string Query { get; }

        /// <summary>The request body as text; empty when there was none.</summary>
        public string Body { get; }

        public string ContentType { get; }

        public string UserAgent { get; }

        /// <summary>"Api-Key", "Bearer", "Unrecognized" (some other header value) or null (no header).</summary>
        public string AuthorizationScheme { get; }

        /// <summary>
        /// The status the emulator answered, or would have: 0 when the connection was dropped before any
        /// status (a reset, a hang, Stop during a delay); for a LoseResponse fault the real status of the
        /// request it processed, with <see cref="ResponseLost"/> set.
        /// </summary>
        public int StatusCode { get; }

        /// <summary>The body answered (for a ResetMidResponse fault, the part sent before the reset).</summary>
        public string ResponseBody { get; }

        /// <summary>When the request arrived.</summary>
        public DateTimeOffset Timestamp { get; }

        /// <summary>The name of the <see cref="FaultKind"/> injected into this request ("LoseResponse", "Status"...), or null when none.</summary>
        public string Fault { get; }

        /// <summary>
        /// True when the client got no complete answer: the connection was reset (ResetBeforeResponse,
        /// ResetMidResponse, LoseResponse, Hang) or the emulator stopped while the request waited.
        /// </summary>
        public bool ResponseLost { get; }

        public override string ToString() =>
            Method + " " + Path + (Query.Length > 0 ? "?" + Query : string.Empty) + " -> " + StatusCode;
    }
}
