using System;
using System.Globalization;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests.Resilience
{
    /// <summary>
    /// How long the server asks the client to wait: Baseten's <c>retry_after</c> body field and the standard
    /// <c>Retry-After</c> header (seconds or an HTTP date), read from real <see cref="HttpResponseHeaders"/>.
    /// </summary>
    public class RetryAfterTests
    {
        private static readonly DateTimeOffset Now = new DateTimeOffset(2026, 8, 1, 10, 0, 0, TimeSpan.Zero);

        private static HttpResponseHeaders Headers(params string[] retryAfter)
        {
            var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests);
            foreach (var value in retryAfter) response.Headers.TryAddWithoutValidation("Retry-After", value);
            return response.Headers;
        }

        private static string HttpDate(DateTimeOffset when) => when.ToUniversalTime().ToString("r", CultureInfo.InvariantCulture);

        // ---- the body's retry_after -------------------------------------------------------------------------

        [Theory]
        [InlineData("{\"error\": \"Rate limit exceeded. Please try again later.\", \"retry_after\": 37}", 37.0)]
        [InlineData("{\"retry_after\": 0}", 0.0)]
        [InlineData("{\"retry_after\": 1.5}", 1.5)]
        [InlineData("{\"retry_after\": 0.01}", 0.01)]
        [InlineData("{\"retry_after\": 2e1}", 20.0)]
        [InlineData("{\"retry_after\": \"2\"}", 2.0)]
        [InlineData("{\"retry_after\": \" 2.5 \"}", 2.5)]
        [InlineData("{\"retry_after\": 86400}", 86400.0)]
        [InlineData("  \r\n {\"retry_after\": 3}", 3.0)]
        [InlineData("{\"retry_after\": 1, \"retry_after\": 4}", 4.0)]
        public void BodyRetryAfterIsReadAsSeconds(string body, double seconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.FromBody(body));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData("{}")]
        [InlineData("{\"error\": \"Rate limit exceeded.\"}")]
        [InlineData("{\"retry_after\": -1}")]
        [InlineData("{\"retry_after\": -0.5}")]
        [InlineData("{\"retry_after\": 86401}")]
        [InlineData("{\"retry_after\": 1e12}")]
        [InlineData("{\"retry_after\": 1e400}")]
        [InlineData("{\"retry_after\": \"soon\"}")]
        [InlineData("{\"retry_after\": \"-3\"}")]
        [InlineData("{\"retry_after\": \"NaN\"}")]
        [InlineData("{\"retry_after\": \"Infinity\"}")]
        [InlineData("{\"retry_after\": \"\"}")]
        [InlineData("{\"retry_after\": null}")]
        [InlineData("{\"retry_after\": true}")]
        [InlineData("{\"retry_after\": [5]}")]
        [InlineData("{\"retry_after\": {\"seconds\": 5}}")]
        [InlineData("[{\"retry_after\": 5}]")]
        [InlineData("[5]")]
        [InlineData("5")]
        [InlineData("\"5\"")]
        [InlineData("Rate limit exceeded, retry_after: 5")]
        [InlineData("<html><head><title>429 Too Many Requests</title></head></html>")]
        [InlineData("{\"retry_after\": 5")]
        [InlineData("{\"retry_after\": 5,}")]
        [InlineData("{retry_after: 5}")]
        [InlineData("{\"Retry_After\": 5}")]
        public void BodyWithoutAUsableRetryAfterAsksForNothing(string body)
        {
            Assert.Null(RetryAfter.FromBody(body));
        }

        [Fact]
        public void BodyWithRetryAfterAsAnHttpDateInThePastMeansNoWait()
        {
            // A string retry_after goes through the same parser as the header, dated against the real clock.
            Assert.Equal(TimeSpan.Zero, RetryAfter.FromBody("{\"retry_after\": \"Wed, 21 Oct 2015 07:28:00 GMT\"}"));
        }

        [Fact]
        public void BodyNestedDeeperThanTheParserAllowsAsksForNothing()
        {
            var deep = "{\"a\": " + new string('[', 200) + new string(']', 200) + ", \"retry_after\": 5}";

            Assert.Null(RetryAfter.FromBody(deep));
        }

        // ---- the Retry-After header ---------------------------------------------------------------------------

        [Theory]
        [InlineData("0", 0.0)]
        [InlineData("1", 1.0)]
        [InlineData("120", 120.0)]
        [InlineData("2.5", 2.5)] // not RFC 9110, refused by HttpClient's parser, still read by hand
        [InlineData(" 7 ", 7.0)]
        public void HeaderInSecondsIsRead(string header, double seconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.FromHeader(Headers(header), Now));
        }

        [Fact]
        public void HeaderSetThroughTheTypedPropertyIsRead()
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(42));

            Assert.Equal(TimeSpan.FromSeconds(42), RetryAfter.FromHeader(response.Headers, Now));
        }

        [Fact]
        public void HeaderAsAFutureHttpDateIsTheTimeUntilThen()
        {
            Assert.Equal(TimeSpan.FromSeconds(90), RetryAfter.FromHeader(Headers(HttpDate(Now.AddSeconds(90))), Now));
        }

        [Fact]
        public void HeaderAsATypedFutureDateIsTheTimeUntilThen()
        {
            var response = new HttpResponseMessage(HttpStatusCode.ServiceUnavailable);
            response.Headers.RetryAfter = new RetryConditionHeaderValue(Now.AddMinutes(2));

            Assert.Equal(TimeSpan.FromMinutes(2), RetryAfter.FromHeader(response.Headers, Now));
        }

        [Theory]
        [InlineData("Wed, 21 Oct 2015 07:28:00 GMT")]
        [InlineData("Sat, 01 Aug 2026 09:59:59 GMT")] // one second before Now
        [InlineData("Sat, 01 Aug 2026 10:00:00 GMT")] // exactly Now
        public void HeaderAsAPastHttpDateMeansNoWait(string header)
        {
            Assert.Equal(TimeSpan.Zero, RetryAfter.FromHeader(Headers(header), Now));
        }

        [Theory]
        [InlineData("soon")]
        [InlineData("")]
        [InlineData("-5")]
        [InlineData("NaN")]
        [InlineData("tomorrow at noon")]
        [InlineData("2026-08-01T10:01:00Z")] // ISO 8601 is not an HTTP date
        [InlineData("5 seconds")]
        [InlineData("100000.5")] // over a day, in the form only the hand parser reads
        public void UnparsableHeaderAsksForNothing(string header)
        {
            Assert.Null(RetryAfter.FromHeader(Headers(header), Now));
        }

        [Fact]
        public void NoHeaderAsksForNothing()
        {
            Assert.Null(RetryAfter.FromHeader(Headers(), Now));
            Assert.Null(RetryAfter.FromHeader(null, Now));
        }

        [Theory]
        [InlineData("5")]
        [InlineData("2.5")]
        [InlineData("Sat, 01 Aug 2026 10:00:30 GMT")]
        [InlineData("Wed, 21 Oct 2015 07:28:00 GMT")]
        public void FromTextAgreesWithTheHeader(string text)
        {
            Assert.Equal(RetryAfter.FromHeader(Headers(text), Now), RetryAfter.FromText(text, Now));
        }

        // ---- both --------------------------------------------------------------------------------------------

        [Theory]
        [InlineData("5", "{\"retry_after\": 2}", 5.0)]
        [InlineData("1", "{\"retry_after\": 3}", 3.0)]
        [InlineData("2", "{\"retry_after\": 2}", 2.0)]
        [InlineData("0", "{\"retry_after\": 0.5}", 0.5)]
        [InlineData("Sat, 01 Aug 2026 10:00:10 GMT", "{\"retry_after\": 4}", 10.0)]
        [InlineData("Sat, 01 Aug 2026 10:00:04 GMT", "{\"retry_after\": 10}", 10.0)]
        [InlineData("Wed, 21 Oct 2015 07:28:00 GMT", "{\"retry_after\": 1}", 1.0)]
        public void BothGivenTheLongerWins(string header, string body, double seconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Read(Headers(header), body, Now));
        }

        [Theory]
        [InlineData("3", "not json", 3.0)]
        [InlineData("soon", "{\"retry_after\": 4}", 4.0)]
        [InlineData("3", "{\"retry_after\": -1}", 3.0)]
        [InlineData("3", "{\"retry_after\": 999999}", 3.0)]
        public void OneUsableSourceIsEnough(string header, string body, double seconds)
        {
            Assert.Equal(TimeSpan.FromSeconds(seconds), RetryAfter.Read(Headers(header), body, Now));
        }

        [Fact]
        public void NeitherGivenAsksForNothing()
        {
            Assert.Null(RetryAfter.Read(Headers(), "{\"error\": \"busy\"}", Now));
            Assert.Null(RetryAfter.Read(Headers(), null, Now));
        }

        // ---- through the HTTP core: the wait lands on the exception --------------------------------------------

        [Theory]
        [InlineData(429, "{\"error\": \"Rate limit exceeded. Please try again later.\", \"retry_after\": 37}", null, 37.0)]
        [InlineData(503, "{\"error\": \"busy\"}", "12", 12.0)]
        [InlineData(429, "{\"retry_after\": 2}", "8", 8.0)]
        [InlineData(429, "{\"retry_after\": 9}", "8", 9.0)]
        [InlineData(502, "<html><title>502 Bad Gateway</title></html>", "3", 3.0)]
        public async Task TheAskedWaitIsOnTheApiException(int status, string body, string header, double seconds)
        {
            var server = new ScriptedServer(ScriptedServer.Status(status, body, header));
            using var client = new BasetenHttpClient("xunit", server.Handler);
            var connection = new BasetenConnection(new Uri("https://api.example.test"), "retry-after-key", TimeSpan.FromSeconds(5), RetryPolicy.None, null);

            var error = await Assert.ThrowsAsync<BasetenApiException>(() =>
                client.SendAsync<EnvironmentV1>(connection, HttpMethod.Get, "v1/models/m1/environments/staging", null, null, default));

            Assert.Equal(status, error.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(seconds), error.RetryAfter);
        }

        [Fact]
        public async Task AnErrorThatAsksForNoWaitHasNoRetryAfter()
        {
            var server = new ScriptedServer(ScriptedServer.Status(503, "{\"error\": \"busy\"}"));
            using var client = new BasetenHttpClient("xunit", server.Handler);
            var connection = new BasetenConnection(new Uri("https://api.example.test"), "retry-after-key", TimeSpan.FromSeconds(5), RetryPolicy.None, null);

            var error = await Assert.ThrowsAsync<BasetenApiException>(() =>
                client.SendAsync<EnvironmentV1>(connection, HttpMethod.Get, "v1/models/m1/environments/staging", null, null, default));

            Assert.Null(error.RetryAfter);
        }
    }
}
