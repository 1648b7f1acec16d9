using System;
using System.Text.Json;
using System.Text.Json.Nodes;
using Baseten.Emulator.Validation;

namespace Baseten.Emulator.Server
{
    /// <summary>
    /// Turns a request body into a validated JSON object, or the error the API gives instead:
    /// 422 for an empty body, a non-JSON content type or a body that breaks the schema (FastAPI's
    /// order and shape), 400 for text that is not JSON at all.
    /// </summary>
    internal static class BodyBinder
    {
        public static ApiResponse Bind(ApiRequest request, ObjectSchema schema, out JsonObject body)
        {
            body = null;
            if (request.Body.Length == 0)
            {
                return ApiResponse.ValidationFailed(new[] { RequestBodyValidator.MissingBody() });
            }

            // FastAPI parses JSON only when the content type says JSON (or is absent).
            if (!string.IsNullOrEmpty(request.ContentType) && !IsJson(request.ContentType))
            {
                return ApiResponse.ValidationFailed(new[] { RequestBodyValidator.NotJsonContent(request.Body) });
            }

            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(request.Body);
            }
            catch (JsonException)
            {
                return ApiResponse.Error(400, "Request body is not valid JSON");
            }

            using (document)
            {
                var issues = RequestBodyValidator.Validate(document.RootElement, schema);
                if (issues.Count > 0)
                {
                    return ApiResponse.ValidationFailed(issues);
                }
            }

            body = (JsonObject)JsonNode.Parse(request.Body);
            return null;
        }

        /// <summary>application/json or application/*+json, parameters (charset) ignored.</summary>
        private static bool IsJson(string contentType)
        {
            var mediaType = contentType.Split(';')[0].Trim();
            return string.Equals(mediaType, "application/json", StringComparison.OrdinalIgnoreCase)
                || (mediaType.StartsWith("application/", StringComparison.OrdinalIgnoreCase)
                    && mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase));
        }
    }
}
