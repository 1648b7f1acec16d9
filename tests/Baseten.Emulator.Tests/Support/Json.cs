using System.Collections.Generic;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace Baseten.Emulator.Tests.Support
{
    /// <summary>Assertions on JSON answers.</summary>
    public static class Json
    {
        /// <summary>Reads a value by a path of property names and array indexes: Json.At(body, "detail", 0, "loc").</summary>
        public static JsonElement At(JsonElement element, params object[] path)
        {
            foreach (var step in path)
            {
                element = step is int index ? element[index] : element.GetProperty((string)step);
            }

            return element;
        }

        public static void HasProperties(JsonElement element, params string[] names)
        {
            Assert.Equal(JsonValueKind.Object, element.ValueKind);
            var present = element.EnumerateObject().Select(p => p.Name).ToList();
            foreach (var name in names)
            {
                Assert.True(present.Contains(name), "missing required property '" + name + "' in " + element.GetRawText());
            }
        }

        /// <summary>The FastAPI 422 detail items as (loc joined by '.', type).</summary>
        public static List<(string Loc, string Type)> Issues(JsonElement body) =>
            body.GetProperty("detail").EnumerateArray()
                .Select(d => (string.Join(".", d.GetProperty("loc").EnumerateArray().Select(l => l.ValueKind == JsonValueKind.Number ? l.GetInt32().ToString() : l.GetString())), d.GetProperty("type").GetString()))
                .ToList();
    }
}
