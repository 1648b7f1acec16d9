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
            DateTimeOffset timestamp)
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

        /// <summary>The status the emulator answered (0 if the request was aborted by Stop).</summary>
        public int StatusCode { get; }

        public string ResponseBody { get; }

        /// <summary>When the request arrived.</summary>
        public DateTimeOffset Timestamp { get; }

        public override string ToString() =>
            Method + " " + Path + (Query.Length > 0 ? "?" + Query : string.Empty) + " -> " + StatusCode;
    }
}
