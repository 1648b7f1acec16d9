using System.Collections.Generic;

namespace Baseten.Emulator.Server
{
    /// <summary>A received request, read off the listener once, so handling never touches the socket.</summary>
    internal sealed class ApiRequest
    {
        public ApiRequest(
            string method,
            string rawPath,
            string rawQuery,
            string body,
            string contentType,
            string userAgent,
            string authorization)
        {
            Method = method;
            RawPath = rawPath;
            RawQuery = rawQuery;
            Body = body;
            ContentType = contentType;
            UserAgent = userAgent;
            Authorization = authorization;
            Segments = PathSegments.Decode(rawPath);
            Query = QueryString.Parse(rawQuery);
        }

        public string Method { get; }

        /// <summary>As received, still escaped, without the query.</summary>
        public string RawPath { get; }

        /// <summary>Without the leading '?'; empty when none.</summary>
        public string RawQuery { get; }

        /// <summary>The path's segments, each URL-decoded (so "qa%20team" is "qa team").</summary>
        public IReadOnlyList<string> Segments { get; }

        public IReadOnlyDictionary<string, string> Query { get; }

        public string Body { get; }

        public string ContentType { get; }

        public string UserAgent { get; }

        /// <summary>The raw header, key included: used to authenticate, never stored in the log.</summary>
        public string Authorization { get; }

        public bool IsChange => Method != "GET" && Method != "HEAD" && Method != "OPTIONS";
    }
}
