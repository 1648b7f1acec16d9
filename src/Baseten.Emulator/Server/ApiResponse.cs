using System.Collections.Generic;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baseten.Emulator.Validation;

namespace Baseten.Emulator.Server
{
    /// <summary>What the emulator answers: a status, a body (JSON unless a fault says otherwise) and any extra headers.</summary>
    internal sealed class ApiResponse
    {
        // Python's json (behind FastAPI) writes non-ASCII text as is; the default encoder would escape it.
        private static readonly JsonSerializerOptions Options = new JsonSerializerOptions
        {
            Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        public ApiResponse(int statusCode, string body)
        {
            StatusCode = statusCode;
            Body = body;
        }

        public int StatusCode { get; }

        public string Body { get; }

        /// <summary>application/json, except for some injected faults (an HTML error page).</summary>
        public string ContentType { get; set; } = "application/json";

        public IDictionary<string, string> Headers { get; } = new Dictionary<string, string>();

        public static ApiResponse Json(int statusCode, JsonNode body) =>
            new ApiResponse(statusCode, body == null ? "null" : body.ToJsonString(Options));

        /// <summary>Every documented success is 200 with JSON, creates and deletes included.</summary>
        public static ApiResponse Ok(JsonNode body) => Json(200, body);

        /// <summary>The business-error shape: {"error": "..."}.</summary>
        public static ApiResponse Error(int statusCode, string message) =>
            Json(statusCode, new JsonObject { ["error"] = message });

        /// <summary>FastAPI's request-validation shape: 422 {"detail": [...]}.</summary>
        public static ApiResponse ValidationFailed(IEnumerable<ValidationIssue> issues)
        {
            var detail = new JsonArray();
            foreach (var issue in issues)
            {
                detail.Add(issue.ToJson());
            }

            return Json(422, new JsonObject { ["detail"] = detail });
        }
    }
}
