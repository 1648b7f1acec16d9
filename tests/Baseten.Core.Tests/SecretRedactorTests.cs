using System.Text.Json;
using Baseten.Core.Http;
using Xunit;

namespace Baseten.Core.Tests
{
    public class SecretRedactorTests
    {
        private const string Key = "abcd1234.SuperSecretPart0000";

        private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();

        [Theory]
        [InlineData("api_key")]
        [InlineData("apikey")]
        [InlineData("API_KEY")]
        [InlineData("secret")]
        [InlineData("client_secret")]
        [InlineData("token")]
        [InlineData("access_token")]
        [InlineData("password")]
        [InlineData("value")]
        [InlineData("authorization")]
        public void SecretLikeFieldsAreRedactedAtTheTop(string field)
        {
            var redacted = Parse(SecretRedactor.Redact("{\"" + field + "\": \"hunter2\", \"name\": \"n\"}", null));

            Assert.Equal(SecretRedactor.Mask, redacted.GetProperty(field).GetString());
            Assert.Equal("n", redacted.GetProperty("name").GetString());
        }

        [Fact]
        public void SecretFieldsAreRedactedAtAnyDepthAndInArrays()
        {
            var body = """
                {"keys": [{"prefix": "abcd", "api_key": "k1"}, {"prefix": "efgh", "api_key": "k2"}],
                 "nested": {"deeper": {"password": "p", "token": {"a": 1}, "secret": ["x"]}},
                 "secrets": [{"name": "hf", "value": "hf_abc"}]}
                """;

            var text = SecretRedactor.Redact(body, null);
            var redacted = Parse(text);

            Assert.Equal(SecretRedactor.Mask, redacted.GetProperty("keys")[0].GetProperty("api_key").GetString());
            Assert.Equal(SecretRedactor.Mask, redacted.GetProperty("keys")[1].GetProperty("api_key").GetString());
            Assert.Equal("efgh", redacted.GetProperty("keys")[1].GetProperty("prefix").GetString());
            var deeper = redacted.GetProperty("nested").GetProperty("deeper");
            Assert.Equal(SecretRedactor.Mask, deeper.GetProperty("password").GetString());
            Assert.Equal(SecretRedactor.Mask, deeper.GetProperty("token").GetString());
            Assert.Equal(SecretRedactor.Mask, deeper.GetProperty("secret").GetString());
            Assert.Equal(SecretRedactor.Mask, redacted.GetProperty("secrets")[0].GetProperty("value").GetString());
            Assert.Equal("hf", redacted.GetProperty("secrets")[0].GetProperty("name").GetString());
            foreach (var leaked in new[] { "k1", "k2", "\"p\"", "hf_abc", "\"x\"" }) Assert.DoesNotContain(leaked, text);
        }

        [Fact]
        public void NotSecretFieldsAreNotRedacted()
        {
            var body = """{"target_in_flight_tokens": 4000, "secret_name": "hf_token_name", "tokens_used": 5, "key_prefix": "abcd", "values": [1]}""";

            var redacted = Parse(SecretRedactor.Redact(body, null));

            Assert.Equal(4000, redacted.GetProperty("target_in_flight_tokens").GetInt32());
            Assert.Equal("hf_token_name", redacted.GetProperty("secret_name").GetString());
            Assert.Equal(5, redacted.GetProperty("tokens_used").GetInt32());
            Assert.Equal("abcd", redacted.GetProperty("key_prefix").GetString());
            Assert.Equal(1, redacted.GetProperty("values")[0].GetInt32());
        }

        [Theory]
        [InlineData("target_in_flight_tokens", false)]
        [InlineData("secret_name", false)]
        [InlineData("name", false)]
        [InlineData("client_secret", true)]
        [InlineData("hf_access_token", true)]
        [InlineData("credentials", true)]
        public void IsSecretNameMatchesWholeNamesOnly(string name, bool secret)
        {
            Assert.Equal(secret, SecretRedactor.IsSecretName(name));
        }

        [Fact]
        public void NullSecretValuesStayNull()
        {
            var redacted = Parse(SecretRedactor.Redact("""{"api_key": null}""", null));

            Assert.Equal(JsonValueKind.Null, redacted.GetProperty("api_key").ValueKind);
        }

        [Fact]
        public void TheKnownKeyIsRemovedAnywhereInJson()
        {
            var body = "{\"detail\": \"key " + Key + " is invalid\", \"echo\": [\"" + Key + "\"]}";

            var text = SecretRedactor.Redact(body, Key);

            Assert.DoesNotContain(Key, text);
            Assert.DoesNotContain("SuperSecretPart", text);
            Assert.Contains("is invalid", text);
        }

        [Fact]
        public void NonJsonPassesThroughWithTheKeyRemoved()
        {
            var body = "<html>Unauthorized: Api-Key " + Key + "</html>";

            var text = SecretRedactor.Redact(body, Key);

            Assert.Equal("<html>Unauthorized: Api-Key " + SecretRedactor.Mask + "</html>", text);
        }

        [Fact]
        public void BrokenJsonPassesThroughWithTheKeyRemoved()
        {
            var body = "{\"api_key\": \"" + Key + "\", oops";

            var text = SecretRedactor.Redact(body, Key);

            Assert.Equal("{\"api_key\": \"" + SecretRedactor.Mask + "\", oops", text);
        }

        [Fact]
        public void EmptyTextStaysEmpty()
        {
            Assert.Equal("", SecretRedactor.Redact("", Key));
            Assert.Null(SecretRedactor.Redact(null, Key));
        }

        [Fact]
        public void LongTextIsShortened()
        {
            var text = SecretRedactor.Redact(new string('a', SecretRedactor.MaxLength + 10), null);

            Assert.StartsWith(new string('a', SecretRedactor.MaxLength), text);
            Assert.EndsWith("(" + (SecretRedactor.MaxLength + 10) + " characters)", text);
        }
    }
}
