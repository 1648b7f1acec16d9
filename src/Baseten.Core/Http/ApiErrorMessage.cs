using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.Json;

namespace Baseten.Core.Http
{
    /// <summary>
    /// Finds the API's message in an error body. Baseten does not specify its error bodies; its own clients
    /// look under "error", "message" and "detail" (FastAPI's list of {loc, msg} included). Otherwise the raw
    /// body, shortened, is the message.
    /// </summary>
    public static class ApiErrorMessage
    {
        public const int MaxLength = 500;

        /// <summary>The message, or null for an empty body.</summary>
        public static string Extract(string body)
        {
            if (string.IsNullOrWhiteSpace(body)) return null;
            try
            {
                using (var document = JsonDocument.Parse(body))
                {
                    var fromJson = FromElement(document.RootElement);
                    if (!string.IsNullOrWhiteSpace(fromJson)) return Truncate(fromJson);
                }
            }
            // InvalidOperationException: JSON that parses but holds a lone surrogate (\ud800) cannot be read as text.
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
            {
                // Not JSON (a gateway's HTML page, plain text): fall through to the text itself.
            }
            return Truncate(FromHtml(body) ?? body.Trim());
        }

        private static readonly System.Text.RegularExpressions.Regex HtmlTitle = new System.Text.RegularExpressions.Regex(
            @"<title[^>]*>(?<title>.*?)</title>", System.Text.RegularExpressions.RegexOptions.IgnoreCase | System.Text.RegularExpressions.RegexOptions.Singleline);

        private static readonly System.Text.RegularExpressions.Regex HtmlTag = new System.Text.RegularExpressions.Regex(@"<[^>]+>");

        /// <summary>A gateway's HTML error page says what it means in its title ("502 Bad Gateway"), else in its text.</summary>
        private static string FromHtml(string body)
        {
            var trimmed = body.TrimStart();
            if (trimmed.Length == 0 || trimmed[0] != '<' || trimmed.IndexOf("<html", StringComparison.OrdinalIgnoreCase) < 0) return null;
            var title = HtmlTitle.Match(body);
            var text = title.Success ? title.Groups["title"].Value : HtmlTag.Replace(body, " ");
            text = System.Net.WebUtility.HtmlDecode(System.Text.RegularExpressions.Regex.Replace(text, @"\s+", " ")).Trim();
            return text.Length == 0 ? null : "HTML error page: " + text;
        }

        private static string FromElement(JsonElement root)
        {
            if (root.ValueKind == JsonValueKind.String) return root.GetString();
            if (root.ValueKind != JsonValueKind.Object) return null;
            foreach (var name in new[] { "error", "message", "detail" })
            {
                if (!root.TryGetProperty(name, out var value)) continue;
                var text = Describe(value);
                if (!string.IsNullOrWhiteSpace(text)) return text;
            }
            return null;
        }

        private static string Describe(JsonElement value)
        {
            switch (value.ValueKind)
            {
                case JsonValueKind.String: return value.GetString();
                case JsonValueKind.Array: return string.Join("; ", value.EnumerateArray().Select(Describe).Where(t => !string.IsNullOrWhiteSpace(t)));
                case JsonValueKind.Object: return DescribeObject(value);
                default: return null;
            }
        }

        /// <summary>A FastAPI validation item: "autoscaling_settings.max_replica: Input should be a valid integer".</summary>
        private static string DescribeObject(JsonElement item)
        {
            var message = item.TryGetProperty("msg", out var msg) ? Describe(msg)
                : item.TryGetProperty("message", out var m) ? Describe(m)
                : item.TryGetProperty("error", out var e) ? Describe(e)
                : null;
            if (message == null) return null;
            if (!item.TryGetProperty("loc", out var loc) || loc.ValueKind != JsonValueKind.Array) return message;
            var parts = new List<string>();
            foreach (var part in loc.EnumerateArray())
            {
                var text = part.ValueKind == JsonValueKind.String ? part.GetString() : part.GetRawText();
                if (parts.Count == 0 && text == "body") continue; // "body" says nothing to the user
                parts.Add(text);
            }
            return parts.Count == 0 ? message : string.Join(".", parts) + ": " + message;
        }

        internal static string Truncate(string text) =>
            text.Length <= MaxLength ? text : text.Substring(0, MaxLength) + "… (" + text.Length + " characters)";
    }
}
