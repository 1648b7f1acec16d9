using System;
using System.IO;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Baseten.Core.Http
{
    /// <summary>
    /// Makes request and response text safe for the Debug stream and error records: the API key itself and the
    /// values of secret-like JSON fields (api_key, client_secret, access_token, password, a secret's value) become
    /// "&lt;redacted&gt;". Whole names only: target_in_flight_tokens or secret_name are not secrets.
    /// </summary>
    public static class SecretRedactor
    {
        public const string Mask = "<redacted>";
        public const int MaxLength = 4000;

        private static readonly Regex SecretName = new Regex(
            @"^(?:.*_)?(?:api_?key|secret|token|password|passwd|credentials?|authorization|value)$",
            RegexOptions.IgnoreCase | RegexOptions.CultureInvariant | RegexOptions.Compiled);

        /// <summary>Redacts <paramref name="text"/> (JSON or not) and shortens it.</summary>
        /// <param name="knownSecret">The key in use: removed wherever it appears, even inside other text.</param>
        public static string Redact(string text, string knownSecret)
        {
            if (string.IsNullOrEmpty(text)) return text;
            var redacted = RedactJsonFields(text);
            if (!string.IsNullOrEmpty(knownSecret)) redacted = redacted.Replace(knownSecret, Mask);
            return redacted.Length <= MaxLength ? redacted : redacted.Substring(0, MaxLength) + "… (" + redacted.Length + " characters)";
        }

        /// <summary>True for a JSON field name whose value must not be shown.</summary>
        public static bool IsSecretName(string name) => SecretName.IsMatch(name);

        private static string RedactJsonFields(string text)
        {
            var trimmed = text.TrimStart();
            if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '[')) return text;
            try
            {
                using (var document = JsonDocument.Parse(text))
                using (var stream = new MemoryStream())
                {
                    using (var writer = new Utf8JsonWriter(stream))
                    {
                        Write(document.RootElement, writer);
                    }
                    return Encoding.UTF8.GetString(stream.ToArray());
                }
            }
            catch (JsonException)
            {
                return text;
            }
        }

        private static void Write(JsonElement element, Utf8JsonWriter writer)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(property.Name);
                        if (IsSecretName(property.Name) && property.Value.ValueKind != JsonValueKind.Null) writer.WriteStringValue(Mask);
                        else Write(property.Value, writer);
                    }
                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray()) Write(item, writer);
                    writer.WriteEndArray();
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }
    }
}
