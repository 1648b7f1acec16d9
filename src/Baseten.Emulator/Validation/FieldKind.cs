using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.Validation
{
    /// <summary>
    /// The type a request field must have. Each kind checks one JSON value and reports what pydantic
    /// would report for it. A JSON null reaches a kind only when the field is not nullable, and then
    /// fails its type check exactly as pydantic does (e.g. "Input should be a valid string").
    /// </summary>
    internal abstract class FieldKind
    {
        public abstract void Check(JsonElement value, IReadOnlyList<object> loc, List<ValidationIssue> issues);

        /// <summary>The value as a node for an issue's "input".</summary>
        protected static JsonNode Input(JsonElement value) => JsonNode.Parse(value.GetRawText());
    }
}
