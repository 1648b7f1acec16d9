using System;
using System.Collections.Generic;

namespace Baseten.Emulator.Server
{
    /// <summary>Parses "a=1&amp;b=x%20y" form-style ('+' is a space); a repeated name keeps its last value.</summary>
    internal static class QueryString
    {
        public static IReadOnlyDictionary<string, string> Parse(string rawQuery)
        {
            var result = new Dictionary<string, string>(StringComparer.Ordinal);
            if (string.IsNullOrEmpty(rawQuery))
            {
                return result;
            }

            foreach (var pair in rawQuery.Split('&'))
            {
                if (pair.Length == 0)
                {
                    continue;
                }

                var equals = pair.IndexOf('=');
                var name = equals < 0 ? pair : pair.Substring(0, equals);
                var value = equals < 0 ? string.Empty : pair.Substring(equals + 1);
                result[Decode(name)] = Decode(value);
            }

            return result;
        }

        private static string Decode(string part) => Uri.UnescapeDataString(part.Replace('+', ' '));
    }
}
