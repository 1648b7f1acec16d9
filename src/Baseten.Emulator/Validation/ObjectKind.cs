using System;
using System.Collections.Generic;
using System.Text.Json;

namespace Baseten.Emulator.Validation
{
    /// <summary>
    /// A JSON object described by an <see cref="ObjectSchema"/>. Like pydantic, it reports the
    /// declared fields first (in declaration order), then unknown keys (in the order they were sent).
    /// </summary>
    internal sealed class ObjectKind : FieldKind
    {
        public ObjectKind(ObjectSchema schema)
        {
            Schema = schema;
        }

        public ObjectSchema Schema { get; }

        public override void Check(JsonElement value, IReadOnlyList<object> loc, List<ValidationIssue> issues)
        {
            if (value.ValueKind != JsonValueKind.Object)
            {
                issues.Add(new ValidationIssue(
                    "model_attributes_type",
                    loc,
                    "Input should be a valid dictionary or object to extract fields from",
                    Input(value)));
                return;
            }

            // A key sent twice counts once, with its last value, as Python's json module reads it.
            var properties = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
            var order = new List<string>();
            foreach (var property in value.EnumerateObject())
            {
                if (!properties.ContainsKey(property.Name))
                {
                    order.Add(property.Name);
                }

                properties[property.Name] = property.Value;
            }

            foreach (var field in Schema.Fields)
            {
                var fieldLoc = Loc.Append(loc, field.Name);
                if (!properties.TryGetValue(field.Name, out var fieldValue))
                {
                    if (field.IsRequired)
                    {
                        issues.Add(new ValidationIssue("missing", fieldLoc, "Field required", Input(value)));
                    }

                    continue;
                }

                if (fieldValue.ValueKind == JsonValueKind.Null && field.IsNullable)
                {
                    continue;
                }

                field.Kind.Check(fieldValue, fieldLoc, issues);
            }

            if (!Schema.ForbidExtra)
            {
                return;
            }

            foreach (var name in order)
            {
                if (Schema.Find(name) == null)
                {
                    issues.Add(new ValidationIssue(
                        "extra_forbidden",
                        Loc.Append(loc, name),
                        "Extra inputs are not permitted",
                        Input(properties[name])));
                }
            }
        }
    }
}
