using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Baseten.Emulator.Server;

namespace Baseten.Emulator.Faults
{
    /// <summary>One scripted misbehaviour: for the next N matching requests, wait and/or answer with a given status.</summary>
    internal sealed class Fault
    {
        /// <summary>Seconds a default 429 asks the client to wait: short, so retry tests stay fast.</summary>
        public const int DefaultRetryAfterSeconds = 1;

        public Fault(string method, PathPattern path, int statusCode, string body, int times, int delayMilliseconds)
        {
            Method = method;
            Path = path;
            StatusCode = statusCode;
            Body = body;
            Remaining = times;
            DelayMilliseconds = delayMilliseconds;
        }

        /// <summary>Upper-case method, or "*" for any.</summary>
        public string Method { get; }

        public PathPattern Path { get; }

        /// <summary>0 means: answer normally (after the delay).</summary>
        public int StatusCode { get; }

        /// <summary>
        /// Sent as is; null or empty picks a default body for the status (empty too, because PowerShell
        /// turns $null into "" when it passes a string argument to a .NET method).
        /// </summary>
        public string Body { get; }

        public int Remaining { get; set; }

        public int DelayMilliseconds { get; }

        public bool IsMatch(string method, IReadOnlyList<string> segments) =>
            (Method == "*" || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) && Path.IsMatch(segments);

        /// <summary>The injected answer, or null when this fault only delays.</summary>
        public ApiResponse ToResponse()
        {
            if (StatusCode == 0)
            {
                return null;
            }

            if (!string.IsNullOrEmpty(Body))
            {
                return new ApiResponse(StatusCode, Body);
            }

            // The one error body Baseten documents: its rate-limit answer.
            if (StatusCode == 429)
            {
                return ApiResponse.Json(429, new JsonObject
                {
                    ["error"] = "Rate limit exceeded. Please try again later.",
                    ["retry_after"] = DefaultRetryAfterSeconds,
                });
            }

            return ApiResponse.Error(StatusCode, ReasonPhrase(StatusCode));
        }

        private static string ReasonPhrase(int statusCode)
        {
            switch (statusCode)
            {
                case 400: return "Bad Request";
                case 401: return "Unauthorized";
                case 403: return "Forbidden";
                case 404: return "Not Found";
                case 409: return "Conflict";
                case 422: return "Unprocessable Entity";
                case 500: return "Internal Server Error";
                case 502: return "Bad Gateway";
                case 503: return "Service Unavailable";
                case 504: return "Gateway Timeout";
                default: return "Injected fault (HTTP " + statusCode + ")";
            }
        }
    }
}
