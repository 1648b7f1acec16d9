using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.Validation
{
    /// <summary>A JSON string, optionally with a minimum length.</summary>
    internal sealed class StringKind : FieldKind
    {
        public StringKind(int minLength = 0)
        {
            MinLength = minLength;
        }

        public int MinLength { get; }

        public override void Check(JsonElement value, IReadOnlyList<object> loc, List<ValidationIssue> issues)
        {
            if (value.ValueKind != JsonValueKind.String)
            {
                issues.Add(new ValidationIssue("string_type", loc, "Input should be a valid string", Input(value)));
                return;
            }

            if (value.GetString().Length < MinLength)
            {
                issues.Add(new ValidationIssue(
                    "string_too_short",
                    loc,
                    "String should have at least " + MinLength + (MinLength == 1 ? " character" : " characters"),
                    Input(value),
                    new JsonObject { ["min_length"] = MinLength }));
            }
        }
    }
}
