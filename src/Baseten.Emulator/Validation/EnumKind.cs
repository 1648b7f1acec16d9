using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.Validation
{
    /// <summary>One of a fixed set of strings, matched exactly (case-sensitive), as the API's enums are.</summary>
    internal sealed class EnumKind : FieldKind
    {
        private readonly string expected;

        public EnumKind(params string[] values)
        {
            Values = values;

            // pydantic's wording: "'A', 'B' or 'C'".
            var quoted = values.Select(v => "'" + v + "'").ToArray();
            expected = quoted.Length == 1
                ? quoted[0]
                : string.Join(", ", quoted.Take(quoted.Length - 1)) + " or " + quoted[quoted.Length - 1];
        }

        public IReadOnlyList<string> Values { get; }

        public override void Check(JsonElement value, IReadOnlyList<object> loc, List<ValidationIssue> issues)
        {
            if (value.ValueKind == JsonValueKind.String && Values.Contains(value.GetString(), StringComparer.Ordinal))
            {
                return;
            }

            issues.Add(new ValidationIssue(
                "enum",
                loc,
                "Input should be " + expected,
                Input(value),
                new JsonObject { ["expected"] = expected }));
        }
    }
}
