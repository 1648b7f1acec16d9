using System;
using System.Collections.Generic;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Baseten.Emulator.Validation
{
    /// <summary>
    /// A JSON integer, optionally bounded. Strict on purpose: 2.5, "2" and true are refused, so a
    /// script that builds the wrong JSON type is caught here rather than silently coerced.
    /// </summary>
    internal sealed class IntegerKind : FieldKind
    {
        public IntegerKind(long? minimum = null, long? maximum = null)
        {
            Minimum = minimum;
            Maximum = maximum;
        }

        public long? Minimum { get; }

        public long? Maximum { get; }

        public override void Check(JsonElement value, IReadOnlyList<object> loc, List<ValidationIssue> issues)
        {
            if (value.ValueKind != JsonValueKind.Number)
            {
                issues.Add(new ValidationIssue("int_type", loc, "Input should be a valid integer", Input(value)));
                return;
            }

            if (!value.TryGetInt64(out var number))
            {
                var fractional = value.TryGetDouble(out var asDouble) && Math.Floor(asDouble) != asDouble;
                issues.Add(fractional
                    ? new ValidationIssue("int_from_float", loc, "Input should be a valid integer, got a number with a fractional part", Input(value))
                    : new ValidationIssue("int_type", loc, "Input should be a valid integer", Input(value)));
                return;
            }

            if (Minimum.HasValue && number < Minimum.Value)
            {
                issues.Add(new ValidationIssue(
                    "greater_than_equal",
                    loc,
                    "Input should be greater than or equal to " + Minimum.Value,
                    Input(value),
                    new JsonObject { ["ge"] = Minimum.Value }));
            }
            else if (Maximum.HasValue && number > Maximum.Value)
            {
                issues.Add(new ValidationIssue(
                    "less_than_equal",
                    loc,
                    "Input should be less than or equal to " + Maximum.Value,
                    Input(value),
                    new JsonObject { ["le"] = Maximum.Value }));
            }
        }
    }
}
