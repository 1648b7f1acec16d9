using System.Collections.Generic;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.Validation
{
    /// <summary>
    /// One problem with a request body, in the shape FastAPI (pydantic v2) reports it inside
    /// <c>{"detail": [...]}</c>: type, loc, msg, input and, for some types, ctx.
    /// </summary>
    internal sealed class ValidationIssue
    {
        public ValidationIssue(string type, IReadOnlyList<object> loc, string message, JsonNode input, JsonObject context = null)
        {
            Type = type;
            Loc = loc;
            Message = message;
            Input = input;
            Context = context;
        }

        /// <summary>pydantic's error type, e.g. "extra_forbidden", "int_type", "missing".</summary>
        public string Type { get; }

        /// <summary>Where the problem is: "body", then field names and list indexes.</summary>
        public IReadOnlyList<object> Loc { get; }

        public string Message { get; }

        /// <summary>The offending value (for "missing": the object the field is missing from).</summary>
        public JsonNode Input { get; }

        public JsonObject Context { get; }

        public JsonObject ToJson()
        {
            var loc = new JsonArray();
            foreach (var part in Loc)
            {
                loc.Add(part is int index ? JsonValue.Create(index) : JsonValue.Create((string)part));
            }

            var json = new JsonObject
            {
                ["type"] = Type,
                ["loc"] = loc,
                ["msg"] = Message,
                ["input"] = Input?.DeepClone(),
            };
            if (Context != null)
            {
                json["ctx"] = Context.DeepClone();
            }

            return json;
        }
    }
}
