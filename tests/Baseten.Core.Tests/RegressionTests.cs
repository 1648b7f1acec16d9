using System;
using System.Net;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests
{
    /// <summary>Regressions for bugs found in review: redaction encoding and leaks, dot segments, verbose on refused bodies.</summary>
    public class RegressionTests
    {
        // Was bug 1: SecretRedactor re-writes JSON with Utf8JsonWriter's default (HTML-safe) encoder, so the mask is
        // shown as \u003Credacted\u003E (and é as \u00E9) in Debug lines and in BasetenApiException.ResponseBody.
        [Fact]
        public void RedactedJsonShowsTheMaskAsReadableText()
        {
            var text = SecretRedactor.Redact("""{"name": "qa", "api_key": "hunter2"}""", null);

            Assert.Contains("\"api_key\":\"<redacted>\"", text);
        }

        // Was bug 2 (same cause, a leak): the known key is replaced AFTER the JSON was re-encoded. A key containing a
        // character the default encoder escapes ('+', '<', '>', '&', ''', '`', non-ASCII) is no longer found, so
        // it stays in the text (escaped), and ApiErrorMessage.Extract, which parses that JSON, decodes it back:
        // the raw key lands in BasetenApiException.ApiMessage / Message and the ErrorRecord's ErrorDetails.
        [Fact]
        public void KnownKeyWithAPlusIsRemovedFromJson()
        {
            const string key = "abc+def/ghi=";
            var redacted = SecretRedactor.Redact("{\"error\": \"bad key " + key + "\"}", key);

            Assert.DoesNotContain(key, ApiErrorMessage.Extract(redacted));  // was: "bad key abc+def/ghi="
            Assert.DoesNotContain("abc\\u002Bdef", redacted);               // was: {"error":"bad key abc\u002Bdef/ghi="}
        }

        [Fact]
        public async Task KnownKeyWithAPlusNeverReachesTheApiException()
        {
            const string key = "abcd+1234.secret+part+0000";
            using var client = new BasetenHttpClient("ua", StubHandler.Returning(HttpStatusCode.Unauthorized, "{\"error\": \"Invalid key " + key + "\"}"));
            var connection = new BasetenConnection(new Uri("https://api.example.test"), key, TimeSpan.FromSeconds(5), RetryPolicy.None, null);

            var error = await Assert.ThrowsAsync<BasetenApiException>(() =>
                client.SendAsync<object>(connection, System.Net.Http.HttpMethod.Get, "v1/models", null, null, CancellationToken.None));

            Assert.DoesNotContain("secret+part", error.ApiMessage);  // was: "Invalid key abcd+1234.secret+part+0000"
        }

        // Was bug 3: ApiPath.Build escapes segments with Uri.EscapeDataString, which leaves "." and ".." as they are;
        // new Uri(baseUri, path) then removes them as dot-segments, so the request goes to ANOTHER resource:
        //   GetAsync("m1", "..")  -> GET https://host/v1/models/m1/            (the model, not an environment)
        //   GetAsync("m1", ".")   -> GET https://host/v1/models/m1/environments/ (the list)
        //   GetAsync("..", "x")   -> GET https://host/v1/environments/x
        // Once a delete exists, Remove-...Environment -Name '..' would send DELETE /v1/models/m1/ (delete the model).
        // Fix: refuse "." and ".." segments in ApiPath.Build (as empty ones are).
        [Theory]
        [InlineData(".")]
        [InlineData("..")]
        public void DotSegmentsAreRefused(string name)
        {
            Assert.Throws<ArgumentException>(() => ApiPath.Build("v1", "models", "m1", "environments", name));
        }

        [Fact]
        public async Task DotDotEnvironmentNameDoesNotReachAnotherResource()
        {
            var handler = StubHandler.Returning(HttpStatusCode.OK, DocumentedExamples.CreateResponse);
            using var client = new BasetenHttpClient("ua", handler);
            var api = new Baseten.Core.BasetenApi(client, new BasetenConnection(new Uri("https://x.example"), "key-1234", TimeSpan.FromSeconds(5)), null, CancellationToken.None);

            try { await api.Environments.GetAsync("m1", ".."); } catch (ArgumentException) { }

            Assert.DoesNotContain(handler.Seen, s => s.RequestUri.AbsolutePath == "/v1/models/m1/");  // was: it was sent there
        }

        // Was bug 4 (minor): a response refused as too large writes no Verbose line at all (ReadCappedAsync throws before
        // log.Verbose, and BasetenResponseException is not one of the caught types), so -Verbose shows nothing for it.
        [Fact]
        public async Task TooLargeResponseStillWritesItsVerboseLine()
        {
            var handler = new StubHandler((request, token) => Task.FromResult(new System.Net.Http.HttpResponseMessage(HttpStatusCode.OK)
            {
                Content = new System.Net.Http.ByteArrayContent(new byte[BasetenHttpClient.MaxResponseBytes + 1]),
            }));
            using var client = new BasetenHttpClient("ua", handler);
            var log = new ListLog();
            var connection = new BasetenConnection(new Uri("https://x.example"), "key-1234", TimeSpan.FromSeconds(5));

            await Assert.ThrowsAsync<BasetenResponseException>(() =>
                client.SendAsync<object>(connection, System.Net.Http.HttpMethod.Get, "v1/models", null, log, CancellationToken.None));

            Assert.Single(log.VerboseLines);  // was: empty
        }
    }
}
