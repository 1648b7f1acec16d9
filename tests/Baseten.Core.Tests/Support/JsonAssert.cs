using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Baseten.Core.Tests.Support
{
    /// <summary>
    /// Deep equality of JSON documents: the same keys (no more, no fewer; explicit nulls count), the same values,
    /// and an integer on one side must be an integer literal on the other (600, not 600.0).
    /// </summary>
    public static class JsonAssert
    {
        public static void DeepEqual(string expectedJson, string actualJson)
        {
            using var expected = JsonDocument.Parse(expectedJson);
            using var actual = JsonDocument.Parse(actualJson);
            var difference = FindDifference(expected.RootElement, actual.RootElement, "$");
            Assert.True(difference == null, $"JSON differs at {difference}\nexpected: {expectedJson}\nactual:   {actualJson}");
        }

        /// <summary>The path of the first difference, or null when the two are deep-equal.</summary>
        public static string FindDifference(JsonElement expected, JsonElement actual, string path = "$")
        {
            if (expected.ValueKind != actual.ValueKind)
                return $"{path}: expected {expected.ValueKind} {expected.GetRawText()}, got {actual.ValueKind} {actual.GetRawText()}";
            switch (expected.ValueKind)
            {
                case JsonValueKind.Object:
                    var e = expected.EnumerateObject().ToList();
                    var a = actual.EnumerateObject().ToList();
                    var expectedNames = e.Select(p => p.Name).ToList();
                    var actualNames = a.Select(p => p.Name).ToList();
                    if (expectedNames.Distinct().Count() != expectedNames.Count) return $"{path}: expected has a duplicate key";
                    if (actualNames.Distinct().Count() != actualNames.Count) return $"{path}: actual has a duplicate key";
                    var missing = expectedNames.Except(actualNames).ToList();
                    if (missing.Count > 0) return $"{path}: missing key(s) {string.Join(", ", missing)}";
                    var extra = actualNames.Except(expectedNames).ToList();
                    if (extra.Count > 0) return $"{path}: unexpected key(s) {string.Join(", ", extra)}";
                    foreach (var property in e)
                    {
                        var inner = FindDifference(property.Value, actual.GetProperty(property.Name), path + "." + property.Name);
                        if (inner != null) return inner;
                    }
                    return null;
                case JsonValueKind.Array:
                    var ea = expected.EnumerateArray().ToList();
                    var aa = actual.EnumerateArray().ToList();
                    if (ea.Count != aa.Count) return $"{path}: expected {ea.Count} items, got {aa.Count}";
                    for (var i = 0; i < ea.Count; i++)
                    {
                        var inner = FindDifference(ea[i], aa[i], $"{path}[{i}]");
                        if (inner != null) return inner;
                    }
                    return null;
                case JsonValueKind.Number:
                    var expectedIsInteger = IsIntegerLiteral(expected);
                    if (expectedIsInteger != IsIntegerLiteral(actual))
                        return $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()} (integer vs non-integer)";
                    return expected.GetDecimal() == actual.GetDecimal() ? null : $"{path}: expected {expected.GetRawText()}, got {actual.GetRawText()}";
                case JsonValueKind.String:
                    return expected.GetString() == actual.GetString() ? null : $"{path}: expected \"{expected.GetString()}\", got \"{actual.GetString()}\"";
                default:
                    return null; // true, false, null: the kinds already matched
            }
        }

        private static bool IsIntegerLiteral(JsonElement number)
        {
            var raw = number.GetRawText();
            return raw.IndexOfAny(new[] { '.', 'e', 'E' }) < 0;
        }

        /// <summary>The property names of a JSON object, in order.</summary>
        public static IReadOnlyList<string> Keys(string json)
        {
            using var document = JsonDocument.Parse(json);
            return document.RootElement.EnumerateObject().Select(p => p.Name).ToList();
        }
    }
}
