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
            if (string.IsNullOrEmpty(knownSecret)) knownSecret = null;
            // The key is removed from the raw text and again from every decoded JSON string, so an API that
            // echoes it JSON-escaped ("abc\u002Bdef") cannot slip it past the plain-text replacement.
            var redacted = RedactJsonFields(knownSecret == null ? text : text.Replace(knownSecret, Mask), knownSecret);
            return redacted.Length <= MaxLength ? redacted : redacted.Substring(0, MaxLength) + "… (" + redacted.Length + " characters)";
        }

        /// <summary>True for a JSON field name whose value must not be shown.</summary>
        public static bool IsSecretName(string name) => SecretName.IsMatch(name);

        private static readonly JsonWriterOptions WriterOptions = new JsonWriterOptions
        {
            // Debug text is read by people: keep "<redacted>" and "é" as they are, not \u003C...
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };

        private static string RedactJsonFields(string text, string knownSecret)
        {
            var trimmed = text.TrimStart();
            if (trimmed.Length == 0 || (trimmed[0] != '{' && trimmed[0] != '[')) return text;
            try
            {
                using (var document = JsonDocument.Parse(text))
                using (var stream = new MemoryStream())
                {
                    using (var writer = new Utf8JsonWriter(stream, WriterOptions))
                    {
                        Write(document.RootElement, writer, knownSecret);
                    }
                    return Encoding.UTF8.GetString(stream.ToArray());
                }
            }
            // InvalidOperationException: JSON that parses but holds a lone surrogate (\ud800) cannot be read as text.
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
            {
                return text;
            }
        }

        private static void Write(JsonElement element, Utf8JsonWriter writer, string knownSecret)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    writer.WriteStartObject();
                    foreach (var property in element.EnumerateObject())
                    {
                        writer.WritePropertyName(WithoutSecret(property.Name, knownSecret));
                        if (IsSecretName(property.Name) && property.Value.ValueKind != JsonValueKind.Null) writer.WriteStringValue(Mask);
                        else Write(property.Value, writer, knownSecret);
                    }
                    writer.WriteEndObject();
                    break;
                case JsonValueKind.Array:
                    writer.WriteStartArray();
                    foreach (var item in element.EnumerateArray()) Write(item, writer, knownSecret);
                    writer.WriteEndArray();
                    break;
                case JsonValueKind.String:
                    writer.WriteStringValue(WithoutSecret(element.GetString(), knownSecret));
                    break;
                default:
                    element.WriteTo(writer);
                    break;
            }
        }

        private static string WithoutSecret(string text, string knownSecret) =>
            knownSecret == null ? text : text.Replace(knownSecret, Mask);
    }
}
