using System;
using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;

namespace Baseten.Core.Http
{
    /// <summary>
    /// Reads how long the server asks the client to wait: Baseten's documented 429 body field
    /// <c>retry_after</c> (seconds), and the standard <c>Retry-After</c> header as seconds or as an HTTP date.
    /// When both are given the longer wait wins: waiting too little only earns another 429.
    /// </summary>
    public static class RetryAfter
    {
        /// <summary>The wait asked for, or null when the answer asks for none.</summary>
        /// <param name="now">The current time, for HTTP-date headers.</param>
        public static TimeSpan? Read(HttpResponseHeaders headers, string body, DateTimeOffset now)
        {
            var fromHeader = FromHeader(headers, now);
            var fromBody = FromBody(body);
            if (fromHeader == null) return fromBody;
            if (fromBody == null) return fromHeader;
            return fromHeader > fromBody ? fromHeader : fromBody;
        }

        public static TimeSpan? FromHeader(HttpResponseHeaders headers, DateTimeOffset now)
        {
            var value = headers?.RetryAfter;
            if (value == null)
            {
                // A header HttpClient's parser refused (e.g. "2.5") is still worth reading by hand.
                return headers != null && headers.TryGetValues("Retry-After", out var raw) ? FromText(string.Join(",", raw), now) : null;
            }
            if (value.Delta.HasValue) return Usable(value.Delta.Value);
            if (value.Date.HasValue) return Usable(value.Date.Value - now);
            return null;
        }

        /// <summary>"120", "1.5" or "Wed, 21 Oct 2026 07:28:00 GMT".</summary>
        public static TimeSpan? FromText(string text, DateTimeOffset now)
        {
            if (string.IsNullOrWhiteSpace(text)) return null;
            text = text.Trim();
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
                return IsUsable(seconds) ? TimeSpan.FromSeconds(seconds) : (TimeSpan?)null;
            if (DateTimeOffset.TryParseExact(text, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date))
                return Usable(date - now);
            return null;
        }

        /// <summary>Baseten's <c>{"error": ..., "retry_after": 37}</c>.</summary>
        public static TimeSpan? FromBody(string body)
        {
            if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{') return null;
            try
            {
                using (var document = JsonDocument.Parse(body))
                {
                    if (document.RootElement.ValueKind != JsonValueKind.Object
                        || !document.RootElement.TryGetProperty("retry_after", out var value)) return null;
                    if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var seconds) && IsUsable(seconds))
                        return TimeSpan.FromSeconds(seconds);
                    if (value.ValueKind == JsonValueKind.String) return FromText(value.GetString(), DateTimeOffset.UtcNow);
                    return null;
                }
            }
            // InvalidOperationException: JSON that parses but holds a lone surrogate (\ud800) cannot be read as text.
            catch (Exception ex) when (ex is JsonException || ex is InvalidOperationException)
            {
                return null;
            }
        }

        // Negative, NaN or absurd (> 1 day) values are ignored rather than trusted.
        private static bool IsUsable(double seconds) => !double.IsNaN(seconds) && seconds >= 0 && seconds <= 86400;

        /// <summary>A date in the past means "now"; more than a day away is not believed, like the body field.</summary>
        private static TimeSpan? Usable(TimeSpan wait) =>
            wait < TimeSpan.Zero ? TimeSpan.Zero : wait.TotalSeconds <= 86400 ? wait : (TimeSpan?)null;
    }
}
