using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.Validation
{
    /// <summary>Checks a whole request body against its schema, collecting every problem, as FastAPI does.</summary>
    internal static class RequestBodyValidator
    {
        public static List<ValidationIssue> Validate(JsonElement body, ObjectSchema schema)
        {
            var issues = new List<ValidationIssue>();
            new ObjectKind(schema).Check(body, Loc.Body, issues);
            return issues;
        }

        /// <summary>FastAPI's answer when a required body is empty.</summary>
        public static ValidationIssue MissingBody() =>
            new ValidationIssue("missing", Loc.Body, "Field required", null);

        /// <summary>
        /// FastAPI's answer when the body was sent with a non-JSON content type (it then validates the
        /// raw text against the model). PowerShell's Invoke-RestMethod sends form encoding by default,
        /// so a script that forgets -ContentType gets this from the real API too.
        /// </summary>
        public static ValidationIssue NotJsonContent(string body) =>
            new ValidationIssue(
                "model_attributes_type",
                Loc.Body,
                "Input should be a valid dictionary or object to extract fields from",
                JsonValue.Create(body));
    }
}
