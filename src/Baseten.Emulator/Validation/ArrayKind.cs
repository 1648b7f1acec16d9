using System.Collections.Generic;
using System.Text.Json;

namespace Baseten.Emulator.Validation
{
    /// <summary>A JSON array whose items all have one kind; item problems are located by index.</summary>
    internal sealed class ArrayKind : FieldKind
    {
        public ArrayKind(FieldKind items)
        {
            Items = items;
        }

        public FieldKind Items { get; }

        public override void Check(JsonElement value, IReadOnlyList<object> loc, List<ValidationIssue> issues)
        {
            if (value.ValueKind != JsonValueKind.Array)
            {
                issues.Add(new ValidationIssue("list_type", loc, "Input should be a valid list", Input(value)));
                return;
            }

            var index = 0;
            foreach (var item in value.EnumerateArray())
            {
                Items.Check(item, Loc.Append(loc, index), issues);
                index++;
            }
        }
    }
}
