using System;

namespace Baseten.Emulator.Server
{
    /// <summary>
    /// Checks the Authorization header. Baseten accepts "Api-Key &lt;key&gt;" (the scheme its reference
    /// pages document) and "Bearer &lt;key&gt;" (the scheme its OpenAPI document declares). Nothing here
    /// ever copies the key into a message or the log.
    /// </summary>
    internal sealed class Authenticator
    {
        public const string ApiKeyScheme = "Api-Key";
        public const string BearerScheme = "Bearer";
        public const string UnrecognizedScheme = "Unrecognized";

        private readonly string fullAccessKey;
        private readonly string readOnlyKey;

        public Authenticator(string fullAccessKey, string readOnlyKey)
        {
            this.fullAccessKey = fullAccessKey;
            this.readOnlyKey = readOnlyKey;
        }

        /// <summary>
        /// The scheme word, safe to log: "Api-Key", "Bearer", "Unrecognized" for anything else (which
        /// might be a bare key without a scheme, so it is not repeated), or null when no header was sent.
        /// </summary>
        public static string SchemeOf(string header)
        {
            if (header == null)
            {
                return null;
            }

            Split(header, out var scheme, out _);
            return scheme ?? UnrecognizedScheme;
        }

        public AccessLevel Authenticate(string header, out string failure)
        {
            failure = null;
            if (string.IsNullOrWhiteSpace(header))
            {
                failure = "Missing API key. Send 'Authorization: Api-Key <your key>' or 'Authorization: Bearer <your key>'.";
                return AccessLevel.None;
            }

            Split(header, out var scheme, out var key);
            if (scheme == null)
            {
                failure = "Unsupported authorization scheme. Use 'Api-Key <your key>' or 'Bearer <your key>'.";
                return AccessLevel.None;
            }

            if (string.Equals(key, fullAccessKey, StringComparison.Ordinal))
            {
                return AccessLevel.Full;
            }

            if (readOnlyKey != null && string.Equals(key, readOnlyKey, StringComparison.Ordinal))
            {
                return AccessLevel.ReadOnly;
            }

            failure = "Invalid API key.";
            return AccessLevel.None;
        }

        /// <summary>Splits "Scheme key"; scheme words are case-insensitive (RFC 9110) and come back canonical.</summary>
        private static void Split(string header, out string scheme, out string key)
        {
            scheme = null;
            key = null;
            var trimmed = header.Trim();
            var space = trimmed.IndexOf(' ');
            if (space <= 0)
            {
                return;
            }

            var word = trimmed.Substring(0, space);
            if (string.Equals(word, ApiKeyScheme, StringComparison.OrdinalIgnoreCase))
            {
                scheme = ApiKeyScheme;
            }
            else if (string.Equals(word, BearerScheme, StringComparison.OrdinalIgnoreCase))
            {
                scheme = BearerScheme;
            }
            else
            {
                return;
            }

            key = trimmed.Substring(space + 1).Trim();
        }
    }
}
