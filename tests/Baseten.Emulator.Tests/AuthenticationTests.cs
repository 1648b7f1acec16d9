using System.Net.Http;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    public class AuthenticationTests
    {
        private const string ReadOnlyKey = "read-only-key";

        [Fact]
        public async Task MissingKeyIs401()
        {
            using var fx = new EmulatorFixture();
            using var client = fx.NewClient(null, null);

            var (status, body) = await fx.CallAsync("GET", "v1/models", client: client);

            Assert.Equal(401, status);
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        }

        [Fact]
        public async Task WrongKeyIs401AndTheMessageDoesNotEchoIt()
        {
            using var fx = new EmulatorFixture();
            using var client = fx.NewClient("Api-Key", "sk-wrong-secret-123");

            using var response = await fx.SendAsync("GET", "v1/models", client: client);
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(401, (int)response.StatusCode);
            Assert.Contains("\"error\"", text);
            Assert.DoesNotContain("sk-wrong-secret-123", text);
        }

        [Theory]
        [InlineData("Api-Key")]
        [InlineData("Bearer")]
        [InlineData("api-key")]
        [InlineData("bearer")]
        public async Task BothSchemesAreAccepted(string scheme)
        {
            using var fx = new EmulatorFixture();
            using var client = fx.NewClient(scheme, fx.Emulator.ApiKey);

            var (status, body) = await fx.CallAsync("GET", "v1/models", client: client);

            Assert.Equal(200, status);
            Assert.Equal(fx.Model.Id, Json.At(body, "models", 0, "id").GetString());
        }

        [Fact]
        public async Task UnknownSchemeIs401EvenWithTheRightKey()
        {
            using var fx = new EmulatorFixture();
            using var client = fx.NewClient("Basic", fx.Emulator.ApiKey);

            var (status, _) = await fx.CallAsync("GET", "v1/models", client: client);

            Assert.Equal(401, status);
        }

        [Fact]
        public async Task BareKeyWithoutSchemeIs401()
        {
            using var fx = new EmulatorFixture();
            using var client = fx.NewClient(null, null);
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", fx.Emulator.ApiKey);

            var (status, _) = await fx.CallAsync("GET", "v1/models", client: client);

            Assert.Equal(401, status);
        }

        [Fact]
        public async Task CustomKeyReplacesTheDefault()
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { ApiKey = "my-own-key" });
            using var defaultKeyClient = fx.NewClient("Api-Key", EmulatorOptions.DefaultApiKey);

            Assert.Equal("my-own-key", fx.Emulator.ApiKey);
            Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
            Assert.Equal(401, (await fx.CallAsync("GET", "v1/models", client: defaultKeyClient)).Status);
        }

        [Fact]
        public async Task ReadOnlyKeyMayRead()
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { ReadOnlyApiKey = ReadOnlyKey });
            using var client = fx.NewClient("Bearer", ReadOnlyKey);

            var (status, body) = await fx.CallAsync("GET", fx.EnvironmentsPath + "/production", client: client);

            Assert.Equal(200, status);
            Assert.Equal("production", body.GetProperty("name").GetString());
        }

        [Theory]
        [InlineData("POST", "", "{\"name\": \"staging\"}")]
        [InlineData("PATCH", "/production", "{}")]
        [InlineData("DELETE", "/production", null)]
        public async Task ReadOnlyKeyGets403OnChanges(string method, string suffix, string json)
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { ReadOnlyApiKey = ReadOnlyKey });
            using var client = fx.NewClient("Api-Key", ReadOnlyKey);

            var (status, body) = await fx.CallAsync(method, fx.EnvironmentsPath + suffix, json, client);

            Assert.Equal(403, status);
            Assert.DoesNotContain(ReadOnlyKey, body.GetRawText());
            // Nothing was created.
            var (_, list) = await fx.CallAsync("GET", fx.EnvironmentsPath);
            Assert.Equal(1, list.GetProperty("environments").GetArrayLength());
        }

        [Fact]
        public async Task AuthenticationComesBeforeRoutingAndValidation()
        {
            using var fx = new EmulatorFixture();
            using var client = fx.NewClient(null, null);

            Assert.Equal(401, (await fx.CallAsync("GET", "v1/nothing-here", client: client)).Status);
            Assert.Equal(401, (await fx.CallAsync("POST", fx.EnvironmentsPath, "{\"bad\": 1}", client)).Status);
        }

        [Fact]
        public void OptionsAreChecked()
        {
            Assert.Throws<System.ArgumentException>(() => BasetenEmulator.Start(new EmulatorOptions { ApiKey = "" }));
            Assert.Throws<System.ArgumentException>(() => BasetenEmulator.Start(new EmulatorOptions { ApiKey = "k", ReadOnlyApiKey = "k" }));
            Assert.Throws<System.ArgumentNullException>(() => BasetenEmulator.Start(null));
        }

        [Fact]
        public async Task EmptyReadOnlyKeyMeansNone()
        {
            // PowerShell sets "" where a script wrote $null.
            using var fx = new EmulatorFixture(new EmulatorOptions { ReadOnlyApiKey = "" });
            using var client = fx.NewClient("Api-Key", "");

            Assert.Null(fx.Emulator.ReadOnlyApiKey);
            Assert.Equal(401, (await fx.CallAsync("GET", "v1/models", client: client)).Status);
        }
    }
}
