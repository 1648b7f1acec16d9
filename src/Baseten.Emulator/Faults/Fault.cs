using System;
using System.Collections.Generic;
using System.Text.Json.Nodes;
using Baseten.Emulator.Server;

namespace Baseten.Emulator.Faults
{
    /// <summary>
    /// One scripted misbehaviour, copied and checked from a <see cref="FaultSpec"/>: for the next N matching
    /// requests (or every Nth of them), wait and/or answer wrongly or drop the connection.
    /// </summary>
    internal sealed class Fault
    {
        /// <summary>Seconds a default 429 asks the client to wait: short, so retry tests stay fast.</summary>
        public const int DefaultRetryAfterSeconds = 1;

        /// <summary>The smallest <see cref="FaultKind.HugeBody"/>: the JSON around the padding.</summary>
        public const long MinimumHugeBodyBytes = 16;

        public const string JsonContentType = "application/json";
        public const string HtmlContentType = "text/html";

        /// <summary>What <see cref="FaultKind.MalformedJson"/> sends by default: JSON cut off mid-key.</summary>
        public const string DefaultMalformedBody = "{\"name\": \"staging\", \"model_";

        /// <summary>What <see cref="FaultKind.WrongShape"/> sends by default: valid JSON no endpoint answers.</summary>
        public const string DefaultWrongShapeBody = "{\"unexpected\": true}";

        private Fault(FaultSpec spec, FaultKind kind, int statusCode)
        {
            Method = string.IsNullOrWhiteSpace(spec.Method) ? "*" : spec.Method.Trim().ToUpperInvariant();
            Path = new PathPattern(string.IsNullOrWhiteSpace(spec.Path) ? "*" : spec.Path.Trim());
            Kind = kind;
            Remaining = spec.Times;
            EveryNth = spec.EveryNth;
            DelayMilliseconds = spec.DelayMilliseconds;
            StatusCode = statusCode;
            Body = spec.Body;
            ContentType = string.IsNullOrEmpty(spec.ContentType)
                ? (kind == FaultKind.Html ? HtmlContentType : JsonContentType)
                : spec.ContentType;
            RetryAfterBody = spec.RetryAfterBody;
            RetryAfterHeader = string.IsNullOrEmpty(spec.RetryAfterHeader) ? null : spec.RetryAfterHeader;
            BodyBytes = spec.BodyBytes;
        }

        /// <summary>Upper-case method, or "*" for any.</summary>
        public string Method { get; }

        public PathPattern Path { get; }

        public FaultKind Kind { get; }

        /// <summary>Firings left; changed only under the injector's lock.</summary>
        public int Remaining { get; set; }

        /// <summary>0 or 1: every matching request; N: every Nth.</summary>
        public int EveryNth { get; }

        /// <summary>Matching requests seen so far (for <see cref="EveryNth"/>); changed only under the injector's lock.</summary>
        public long Seen { get; set; }

        public int DelayMilliseconds { get; }

        /// <summary>The status sent, the kind's default already applied; 0 for kinds that send none.</summary>
        public int StatusCode { get; }

        /// <summary>
        /// Sent as is; null or empty picks a default body (empty too, because PowerShell turns $null into ""
        /// when it passes a string argument to a .NET method).
        /// </summary>
        public string Body { get; }

        public string ContentType { get; }

        public int? RetryAfterBody { get; }

        public string RetryAfterHeader { get; }

        public long BodyBytes { get; }

        /// <summary>Checks <paramref name="spec"/> and copies it; throws ArgumentException (naming the property) when it makes no sense.</summary>
        public static Fault From(FaultSpec spec)
        {
            if (spec == null)
            {
                throw new ArgumentNullException(nameof(spec));
            }

            var kind = spec.Kind;
            if (!Enum.IsDefined(typeof(FaultKind), kind))
            {
                throw new ArgumentOutOfRangeException(nameof(spec), "Kind " + (int)kind + " is not a FaultKind.");
            }

            if (spec.Times < 1)
            {
                throw new ArgumentOutOfRangeException(nameof(spec), "Times: a fault fires at least once (int.MaxValue: until ClearFaults).");
            }

            if (spec.EveryNth < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(spec), "EveryNth cannot be negative (0: every matching request).");
            }

            if (spec.DelayMilliseconds < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(spec), "DelayMilliseconds: the delay cannot be negative.");
            }

            if (spec.RetryAfterBody < 0)
            {
                throw new ArgumentOutOfRangeException(nameof(spec), "RetryAfterBody cannot be negative.");
            }

            if (HasLineBreak(spec.RetryAfterHeader) || HasLineBreak(spec.ContentType))
            {
                throw new ArgumentException("RetryAfterHeader and ContentType are header values: no line breaks.", nameof(spec));
            }

            if (kind == FaultKind.HugeBody && spec.BodyBytes < MinimumHugeBodyBytes)
            {
                throw new ArgumentOutOfRangeException(nameof(spec), "BodyBytes: a HugeBody is at least " + MinimumHugeBodyBytes + " bytes.");
            }

            var status = spec.StatusCode;
            if (status != 0 && (status < 100 || status > 599))
            {
                throw new ArgumentOutOfRangeException(nameof(spec), "StatusCode: use 100-599, or 0 for the kind's default.");
            }

            switch (kind)
            {
                case FaultKind.Status:
                    if (status == 0)
                    {
                        throw new ArgumentException("StatusCode: a Status fault needs one (100-599); to only slow the answer down use Kind = 'Delay'.", nameof(spec));
                    }

                    break;
                case FaultKind.Delay:
                case FaultKind.ResetBeforeResponse:
                case FaultKind.LoseResponse:
                case FaultKind.Hang:
                    if (status != 0)
                    {
                        throw new ArgumentException("StatusCode: a " + kind + " fault sends no status of its own; leave it 0.", nameof(spec));
                    }

                    break;
                case FaultKind.Html:
                    status = status == 0 ? 502 : status;
                    break;
                default:
                    status = status == 0 ? 200 : status;
                    break;
            }

            return new Fault(spec, kind, status);
        }

        public bool IsMatch(string method, IReadOnlyList<string> segments) =>
            (Method == "*" || string.Equals(Method, method, StringComparison.OrdinalIgnoreCase)) && Path.IsMatch(segments);

        /// <summary>
        /// The whole answer for the kinds that send one built in memory (Status, Html, MalformedJson,
        /// EmptyBody, WrongShape; for ResetMidResponse the answer of which only a part is sent).
        /// </summary>
        public ApiResponse ToResponse()
        {
            ApiResponse answer;
            switch (Kind)
            {
                case FaultKind.Status:
                    answer = StatusAnswer();
                    break;
                case FaultKind.Html:
                    answer = new ApiResponse(StatusCode, Or(Body, HtmlPage(StatusCode)));
                    break;
                case FaultKind.MalformedJson:
                    answer = new ApiResponse(StatusCode, Or(Body, DefaultMalformedBody));
                    break;
                case FaultKind.EmptyBody:
                    answer = new ApiResponse(StatusCode, string.Empty);
                    break;
                case FaultKind.WrongShape:
                    answer = new ApiResponse(StatusCode, Or(Body, DefaultWrongShapeBody));
                    break;
                case FaultKind.ResetMidResponse:
                    answer = new ApiResponse(StatusCode, Or(Body, TruncatedAnswerBody()));
                    break;
                default:
                    throw new InvalidOperationException(Kind + " has no answer built in memory.");
            }

            answer.ContentType = ContentType;
            AddRetryAfterHeader(answer);
            return answer;
        }

        /// <summary>Adds the scripted Retry-After header, if any, to an answer (also used for streamed ones).</summary>
        public void AddRetryAfterHeader(ApiResponse answer)
        {
            if (RetryAfterHeader != null)
            {
                answer.Headers["Retry-After"] = RetryAfterHeader;
            }
        }

        private ApiResponse StatusAnswer()
        {
            if (!string.IsNullOrEmpty(Body))
            {
                return new ApiResponse(StatusCode, Body);
            }

            // The one error body Baseten documents: its rate-limit answer.
            if (StatusCode == 429)
            {
                return RateLimitAnswer(RetryAfterBody ?? DefaultRetryAfterSeconds);
            }

            var body = new JsonObject { ["error"] = ReasonPhrase(StatusCode) };
            if (RetryAfterBody.HasValue)
            {
                body["retry_after"] = RetryAfterBody.Value;
            }

            return ApiResponse.Json(StatusCode, body);
        }

        /// <summary>Baseten's documented 429 body.</summary>
        public static ApiResponse RateLimitAnswer(int retryAfterSeconds) =>
            ApiResponse.Json(429, new JsonObject
            {
                ["error"] = "Rate limit exceeded. Please try again later.",
                ["retry_after"] = retryAfterSeconds,
            });

        /// <summary>An nginx-style error page, as a load balancer in front of an API sends it.</summary>
        private static string HtmlPage(int statusCode)
        {
            var title = statusCode + " " + ReasonPhrase(statusCode);
            return "<html>\r\n<head><title>" + title + "</title></head>\r\n<body>\r\n<center><h1>" + title +
                "</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
        }

        /// <summary>A plausible answer, long enough that half of it is clearly cut short.</summary>
        private static string TruncatedAnswerBody() =>
            new JsonObject
            {
                ["name"] = "staging",
                ["description"] = "This answer is cut off half way: the connection is reset before the rest is sent.",
                ["padding"] = new string('x', 512),
            }.ToJsonString();

        private static string Or(string body, string fallback) => string.IsNullOrEmpty(body) ? fallback : body;

        private static bool HasLineBreak(string value) => value != null && (value.IndexOf('\r') >= 0 || value.IndexOf('\n') >= 0);

        private static string ReasonPhrase(int statusCode)
        {
            switch (statusCode)
            {
                case 200: return "OK";
                case 400: return "Bad Request";
                case 401: return "Unauthorized";
                case 403: return "Forbidden";
                case 404: return "Not Found";
                case 408: return "Request Timeout";
                case 409: return "Conflict";
                case 422: return "Unprocessable Entity";
                case 429: return "Too Many Requests";
                case 500: return "Internal Server Error";
                case 502: return "Bad Gateway";
                case 503: return "Service Unavailable";
                case 504: return "Gateway Timeout";
                default: return "Injected fault (HTTP " + statusCode + ")";
            }
        }
    }
}
