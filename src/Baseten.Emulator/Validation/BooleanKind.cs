using System.Collections.Generic;
using System.Text.Json;

namespace Baseten.Emulator.Validation
{
    /// <summary>JSON true or false only: "true" and 1 are refused (strict, see <see cref="IntegerKind"/>).</summary>
    internal sealed class BooleanKind : FieldKind
    {
        public override void Check(JsonElement value, IReadOnlyList<object> loc, List<ValidationIssue> issues)
        {
            if (value.ValueKind != JsonValueKind.True && value.ValueKind != JsonValueKind.False)
            {
                issues.Add(new ValidationIssue("bool_type", loc, "Input should be a valid boolean", Input(value)));
            }
        }
    }
}
