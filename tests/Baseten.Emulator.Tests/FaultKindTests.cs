using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    /// <summary>The FaultSpec overload: every FaultKind, seen through a plain HttpClient.</summary>
    public class FaultKindTests
    {
        private const string HttpDate = "Wed, 21 Oct 2015 07:28:00 GMT";

        [Fact]
        public async Task StatusSendsRetryAfterInTheBodyAndTheHeaderInSeconds()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Method = "GET", Path = "/v1/models", StatusCode = 429, RetryAfterBody = 7, RetryAfterHeader = "3" });

            using var response = await fx.SendAsync("GET", "v1/models");
            var body = await ReadJsonAsync(response);

            Assert.Equal(429, (int)response.StatusCode);
            Assert.Equal("3", Assert.Single(response.Headers.GetValues("Retry-After")));
            Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter.Delta);
            Assert.Equal("Rate limit exceeded. Please try again later.", body.GetProperty("error").GetString());
            Assert.Equal(7, body.GetProperty("retry_after").GetInt32());
            var entry = Assert.Single(fx.Emulator.Requests);
            Assert.Equal(429, entry.StatusCode);
            Assert.Equal("Status", entry.Fault);
            Assert.False(entry.ResponseLost);
        }

        [Fact]
        public async Task RetryAfterHeaderAsAnHttpDateIsSentVerbatim()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { StatusCode = 503, RetryAfterHeader = HttpDate });

            using var response = await fx.SendAsync("GET", "v1/models");
            var body = await ReadJsonAsync(response);

            Assert.Equal(503, (int)response.StatusCode);
            Assert.Equal(HttpDate, Assert.Single(response.Headers.GetValues("Retry-After")));
            Assert.Equal(new DateTimeOffset(2015, 10, 21, 7, 28, 0, TimeSpan.Zero), response.Headers.RetryAfter.Date);
            // No RetryAfterBody: a non-429 default body has no retry_after.
            Assert.Equal("Service Unavailable", body.GetProperty("error").GetString());
            Assert.False(body.TryGetProperty("retry_after", out _));
        }

        [Fact]
        public async Task A429WithoutRetryAfterHeaderHasOnlyTheBodyField()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { StatusCode = 429 });

            using var response = await fx.SendAsync("GET", "v1/models");
            var body = await ReadJsonAsync(response);

            Assert.Equal(429, (int)response.StatusCode);
            Assert.False(response.Headers.Contains("Retry-After"));
            Assert.Equal(1, body.GetProperty("retry_after").GetInt32());
        }

        [Fact]
        public async Task A5xxBurstFiresTimesThenTheApiAnswers()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Path = "/v1/models", StatusCode = 502, RetryAfterBody = 2, Times = 3 });

            var statuses = new int[4];
            for (var i = 0; i < statuses.Length; i++)
            {
                var (status, body) = await fx.CallAsync("GET", "v1/models");
                statuses[i] = status;
                if (status == 502)
                {
                    Assert.Equal(2, body.GetProperty("retry_after").GetInt32());
                }
            }

            Assert.Equal(new[] { 502, 502, 502, 200 }, statuses);
        }

        [Fact]
        public async Task HtmlSendsAGatewayErrorPage()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.Html });
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.Html, StatusCode = 504, RetryAfterHeader = "5" });

            using var first = await fx.SendAsync("GET", "v1/models");
            var firstText = await first.Content.ReadAsStringAsync();
            using var second = await fx.SendAsync("POST", fx.EnvironmentsPath, "{\"name\": \"staging\"}");
            var secondText = await second.Content.ReadAsStringAsync();

            Assert.Equal(502, (int)first.StatusCode);
            Assert.Equal("text/html", first.Content.Headers.ContentType.MediaType);
            Assert.StartsWith("<html>", firstText);
            Assert.Contains("<title>502 Bad Gateway</title>", firstText);
            Assert.Equal(504, (int)second.StatusCode);
            Assert.Contains("<title>504 Gateway Timeout</title>", secondText);
            Assert.Equal("5", Assert.Single(second.Headers.GetValues("Retry-After")));
            // Not processed: the create never happened.
            Assert.Equal(404, (await fx.CallAsync("GET", fx.EnvironmentsPath + "/staging")).Status);
            Assert.Equal("Html", fx.Emulator.Requests[0].Fault);
        }

        [Fact]
        public async Task MalformedJsonIsCutOffJsonLabelledAsJson()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.MalformedJson });

            using var response = await fx.SendAsync("GET", fx.EnvironmentsPath + "/production");
            var text = await response.Content.ReadAsStringAsync();

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType.MediaType);
            Assert.Equal("{\"name\": \"staging\", \"model_", text);
            Assert.ThrowsAny<JsonException>(() => JsonDocument.Parse(text));
        }

        [Fact]
        public async Task EmptyBodyHasNoBytesAtAll()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.EmptyBody });
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.EmptyBody, StatusCode = 500 });

            using var first = await fx.SendAsync("GET", "v1/models");
            var firstBytes = await first.Content.ReadAsByteArrayAsync();
            using var second = await fx.SendAsync("GET", "v1/models");

            Assert.Equal(200, (int)first.StatusCode);
            Assert.Empty(firstBytes);
            Assert.Equal(0, first.Content.Headers.ContentLength);
            Assert.Equal(500, (int)second.StatusCode);
            Assert.Empty(await second.Content.ReadAsByteArrayAsync());
        }

        [Fact]
        public async Task WrongShapeIsValidJsonOfTheWrongShape()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.WrongShape });
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.WrongShape, Body = "[1,2,3]" });

            var (firstStatus, first) = await fx.CallAsync("GET", "v1/models");
            var (secondStatus, second) = await fx.CallAsync("GET", "v1/models");

            Assert.Equal(200, firstStatus);
            Assert.True(first.GetProperty("unexpected").GetBoolean());
            Assert.False(first.TryGetProperty("models", out _));
            Assert.Equal(200, secondStatus);
            Assert.Equal(new[] { 1, 2, 3 }, second.EnumerateArray().Select(e => e.GetInt32()));
        }

        [Fact]
        public async Task HugeBodyStreamsMoreThanTheDefaultLimitOfMostClients()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.HugeBody });

            using var response = await fx.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "v1/models"), HttpCompletionOption.ResponseHeadersRead);
            using var stream = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[81920];
            long total = 0;
            int read;
            var first = -1;
            var last = -1;
            while ((read = await stream.ReadAsync(buffer, 0, buffer.Length)) > 0)
            {
                first = first < 0 ? buffer[0] : first;
                last = buffer[read - 1];
                total += read;
            }

            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("application/json", response.Content.Headers.ContentType.MediaType);
            Assert.True(total > 16 * 1024 * 1024, "read " + total + " bytes");
            Assert.Equal(FaultSpec.DefaultBodyBytes, total);
            Assert.Equal('{', (char)first);
            Assert.Equal('}', (char)last);
            Assert.Equal("HugeBody", Assert.Single(fx.Emulator.Requests).Fault);
        }

        [Fact]
        public async Task HugeBodyOfAGivenSizeIsValidJson()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.HugeBody, BodyBytes = 100000 });

            using var response = await fx.SendAsync("GET", "v1/models");
            var bytes = await response.Content.ReadAsByteArrayAsync();

            Assert.Equal(100000, bytes.Length);
            using var document = JsonDocument.Parse(bytes);
            Assert.Equal(100000 - "{\"padding\":\"\"}".Length, document.RootElement.GetProperty("padding").GetString().Length);
        }

        [Fact]
        public async Task ResetMidResponseCutsTheBodyShort()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.ResetMidResponse });

            var error = await Record.ExceptionAsync(async () =>
            {
                using var response = await fx.Client.SendAsync(new HttpRequestMessage(HttpMethod.Get, "v1/models"), HttpCompletionOption.ResponseHeadersRead);
                Assert.Equal(200, (int)response.StatusCode);
                using var stream = await response.Content.ReadAsStreamAsync();
                await stream.CopyToAsync(Stream.Null);
            });

            Assert.True(error is HttpRequestException || error is IOException, "expected a transport error, got " + (error?.ToString() ?? "none"));
            var entry = Assert.Single(fx.Emulator.Requests);
            Assert.Equal(200, entry.StatusCode);
            Assert.True(entry.ResponseLost);
            Assert.Equal("ResetMidResponse", entry.Fault);
            Assert.StartsWith("{\"name\":\"staging\"", entry.ResponseBody);
            // The emulator goes on answering.
            Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
        }

        [Fact]
        public async Task ResetMidResponseAlsoFailsAClientThatBuffersTheAnswer()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.ResetMidResponse, Body = "{\"models\": [" + string.Join(",", Enumerable.Repeat("{}", 500)) + "]}" });

            await Assert.ThrowsAsync<HttpRequestException>(() => fx.SendAsync("GET", "v1/models"));
        }

        [Fact]
        public async Task ResetBeforeResponseAnswersNothingAndProcessesNothing()
        {
            using var fx = new EmulatorFixture();
            await fx.CallAsync("GET", "v1/models"); // a pooled connection: the reset must still reach the caller
            fx.Emulator.InjectFault(new FaultSpec { Method = "POST", Path = "/v1/models/*/environments", Kind = FaultKind.ResetBeforeResponse });

            await Assert.ThrowsAsync<HttpRequestException>(() => fx.SendAsync("POST", fx.EnvironmentsPath, "{\"name\": \"staging\"}"));

            Assert.Equal(404, (await fx.CallAsync("GET", fx.EnvironmentsPath + "/staging")).Status);
            var entry = fx.Emulator.Requests[1];
            Assert.Equal("POST", entry.Method);
            Assert.Equal(0, entry.StatusCode);
            Assert.True(entry.ResponseLost);
            Assert.Equal("ResetBeforeResponse", entry.Fault);
        }

        [Fact]
        public async Task LoseResponseCreatesTheEnvironmentButTheClientNeverHearsOfIt()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Method = "POST", Path = "/v1/models/*/environments", Kind = FaultKind.LoseResponse, Times = 1 });

            await Assert.ThrowsAsync<HttpRequestException>(() => fx.SendAsync("POST", fx.EnvironmentsPath, "{\"name\": \"staging\"}"));

            var (status, environment) = await fx.CallAsync("GET", fx.EnvironmentsPath + "/staging");
            Assert.Equal(200, status);
            Assert.Equal("staging", environment.GetProperty("name").GetString());
            // A retry of the create now finds it there.
            Assert.Equal(409, (await fx.CreateEnvironmentAsync("{\"name\": \"staging\"}")).Status);

            var lost = fx.Emulator.Requests[0];
            Assert.Equal("POST", lost.Method);
            Assert.Equal(200, lost.StatusCode);
            Assert.True(lost.ResponseLost);
            Assert.Equal("LoseResponse", lost.Fault);
            Assert.Contains("\"staging\"", lost.ResponseBody);
            Assert.All(fx.Emulator.Requests.Skip(1), r => Assert.False(r.ResponseLost));
        }

        [Fact]
        public async Task HangOutlastsTheClientTimeout()
        {
            using var fx = new EmulatorFixture();
            using var impatient = fx.NewClient("Api-Key", fx.Emulator.ApiKey);
            impatient.Timeout = TimeSpan.FromSeconds(1.5);
            fx.Emulator.InjectFault(new FaultSpec { Path = "/v1/models", Kind = FaultKind.Hang });

            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<TaskCanceledException>(() => fx.SendAsync("GET", "v1/models", client: impatient));
            Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(1), "gave up after " + watch.Elapsed);

            // Under load the emulator may read the request only after the client gave up.
            await WaitUntilAsync(() => fx.Emulator.Requests.Count == 1);
            var entry = Assert.Single(fx.Emulator.Requests);
            Assert.Equal(0, entry.StatusCode);
            Assert.True(entry.ResponseLost);
            Assert.Equal("Hang", entry.Fault);
            Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
        }

        [Fact]
        public async Task HangWithADelayDropsTheConnectionAfterIt()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.Hang, DelayMilliseconds = 300 });

            var watch = Stopwatch.StartNew();
            await Assert.ThrowsAsync<HttpRequestException>(() => fx.SendAsync("GET", "v1/models"));

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), "dropped after " + watch.Elapsed);
        }

        [Fact]
        public async Task DisposeReturnsPromptlyWhileARequestHangs()
        {
            var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.Hang });
            var hanging = fx.SendAsync("GET", "v1/models");
            await WaitUntilAsync(() => fx.Emulator.Requests.Count == 1);

            var watch = Stopwatch.StartNew();
            fx.Emulator.Dispose();
            watch.Stop();

            Assert.True(watch.Elapsed < TimeSpan.FromSeconds(5), "Dispose took " + watch.Elapsed);
            // The hung call ends too (with an error), long before the client's own 30 s timeout.
            var ended = await Task.WhenAny(hanging, Task.Delay(TimeSpan.FromSeconds(20)));
            Assert.Same(hanging, ended);
            await Assert.ThrowsAsync<HttpRequestException>(() => hanging);
            fx.Client.Dispose();
        }

        [Fact]
        public async Task DelayKindAnswersNormallyAfterTheDelay()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.Delay, DelayMilliseconds = 200 });

            var watch = Stopwatch.StartNew();
            var (status, _) = await fx.CallAsync("GET", "v1/models");

            Assert.Equal(200, status);
            Assert.True(watch.ElapsedMilliseconds >= 150, "answered after " + watch.ElapsedMilliseconds + " ms");
            Assert.Equal("Delay", fx.Emulator.Requests.Single().Fault);
        }

        [Fact]
        public async Task EveryNthFailsEveryNthMatchingRequestUntilCleared()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { Method = "GET", Path = "/v1/models", StatusCode = 503, EveryNth = 3, Times = int.MaxValue });

            var statuses = new int[9];
            for (var i = 0; i < statuses.Length; i++)
            {
                statuses[i] = (await fx.CallAsync("GET", "v1/models")).Status;
                // Other paths neither fail nor count.
                Assert.Equal(200, (await fx.CallAsync("GET", fx.EnvironmentsPath)).Status);
            }

            Assert.Equal(new[] { 200, 200, 503, 200, 200, 503, 200, 200, 503 }, statuses);
            fx.Emulator.ClearFaults();
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
            }
        }

        [Fact]
        public async Task EveryNthWithTimesStopsAfterItsFirings()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault(new FaultSpec { StatusCode = 500, EveryNth = 2, Times = 2 });

            var statuses = new int[6];
            for (var i = 0; i < statuses.Length; i++)
            {
                statuses[i] = (await fx.CallAsync("GET", "v1/models")).Status;
            }

            Assert.Equal(new[] { 200, 500, 200, 500, 200, 200 }, statuses);
        }

        [Fact]
        public async Task FaultsOfBothOverloadsMatchInTheOrderInjectedAndClearTogether()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("GET", "/v1/models", 500, null, 1);
            fx.Emulator.InjectFault(new FaultSpec { StatusCode = 503 });
            fx.Emulator.InjectFault("GET", "/v1/models", 504, null, 1);

            Assert.Equal(500, (await fx.CallAsync("GET", "v1/models")).Status);
            Assert.Equal(503, (await fx.CallAsync("GET", "v1/models")).Status);

            fx.Emulator.InjectFault(new FaultSpec { Kind = FaultKind.ResetBeforeResponse, Times = int.MaxValue });
            fx.Emulator.ClearFaults();

            Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
        }

        [Fact]
        public async Task TheSpecIsCopiedWhenInjected()
        {
            using var fx = new EmulatorFixture();
            var spec = new FaultSpec { StatusCode = 500 };
            fx.Emulator.InjectFault(spec);

            spec.StatusCode = 42;

            Assert.Equal(500, (await fx.CallAsync("GET", "v1/models")).Status);
        }

        [Fact]
        public void DefaultsSuitAHashtableCast()
        {
            var spec = new FaultSpec();

            Assert.Equal("*", spec.Method);
            Assert.Equal("*", spec.Path);
            Assert.Equal(FaultKind.Status, spec.Kind);
            Assert.Equal(1, spec.Times);
            Assert.Equal(0, spec.EveryNth);
            Assert.Equal(20L * 1024 * 1024, spec.BodyBytes);
            Assert.Null(spec.RetryAfterBody);
            Assert.Null(spec.RetryAfterHeader);
        }

        [Fact]
        public void SpecsThatMakeNoSenseAreRefused()
        {
            using var fx = new EmulatorFixture();
            var emulator = fx.Emulator;

            Assert.Throws<ArgumentNullException>(() => emulator.InjectFault((FaultSpec)null));
            Assert.Throws<ArgumentException>(() => emulator.InjectFault(new FaultSpec()));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { StatusCode = 500, Times = 0 }));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { StatusCode = 42 }));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { StatusCode = 500, EveryNth = -1 }));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { StatusCode = 500, DelayMilliseconds = -1 }));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { StatusCode = 429, RetryAfterBody = -1 }));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { StatusCode = 429, RetryAfterHeader = "1\r\nX-Evil: 1" }));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { Kind = FaultKind.LoseResponse, StatusCode = 200 }));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { Kind = FaultKind.HugeBody, BodyBytes = 3 }));
            Assert.ThrowsAny<ArgumentException>(() => emulator.InjectFault(new FaultSpec { Kind = (FaultKind)99 }));
        }

        [Fact]
        public async Task TheRequestLogFileMarksFaultedRequests()
        {
            var directory = Path.Combine(Path.GetTempPath(), "baseten-emulator-faults-" + Guid.NewGuid().ToString("N"));
            try
            {
                using var fx = new EmulatorFixture(new EmulatorOptions { RequestLogDirectory = directory });
                fx.Emulator.InjectFault(new FaultSpec { Method = "POST", Kind = FaultKind.LoseResponse });

                await Assert.ThrowsAsync<HttpRequestException>(() => fx.SendAsync("POST", fx.EnvironmentsPath, "{\"name\": \"staging\"}"));
                await fx.CallAsync("GET", "v1/models");

                var lines = File.ReadAllLines(fx.Emulator.RequestLogPath).Select(l => JsonDocument.Parse(l).RootElement).ToArray();
                Assert.Equal(2, lines.Length);
                Assert.Equal("LoseResponse", lines[0].GetProperty("Fault").GetString());
                Assert.True(lines[0].GetProperty("ResponseLost").GetBoolean());
                Assert.Equal(200, lines[0].GetProperty("StatusCode").GetInt32());
                Assert.False(lines[1].TryGetProperty("Fault", out _));
            }
            finally
            {
                if (Directory.Exists(directory))
                {
                    Directory.Delete(directory, true);
                }
            }
        }

        private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response)
        {
            using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return document.RootElement.Clone();
        }

        private static async Task WaitUntilAsync(Func<bool> condition)
        {
            var watch = Stopwatch.StartNew();
            while (!condition())
            {
                Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), "timed out waiting");
                await Task.Delay(20);
            }
        }
    }
}
