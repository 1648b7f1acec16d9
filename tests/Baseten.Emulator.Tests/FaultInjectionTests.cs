using System;
using System.Diagnostics;
using System.Net.Http;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    public class FaultInjectionTests
    {
        [Fact]
        public async Task FaultFiresItsNumberOfTimesThenTheRealAnswerReturns()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("GET", "/v1/models", 503, null, 2);

            var first = await fx.CallAsync("GET", "v1/models");
            var second = await fx.CallAsync("GET", "v1/models");
            var third = await fx.CallAsync("GET", "v1/models");

            Assert.Equal(503, first.Status);
            Assert.Equal("Service Unavailable", first.Body.GetProperty("error").GetString());
            Assert.Equal(503, second.Status);
            Assert.Equal(200, third.Status);
        }

        [Fact]
        public async Task RateLimitFaultCarriesBasetensDocumentedBody()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("POST", "/v1/models/*/environments", 429, null, 1);

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""staging""}");

            Assert.Equal(429, status);
            Assert.Equal("Rate limit exceeded. Please try again later.", body.GetProperty("error").GetString());
            Assert.True(body.GetProperty("retry_after").GetInt32() >= 1);
            // The faulted request did not create anything.
            Assert.Equal(200, (await fx.CreateEnvironmentAsync(@"{""name"": ""staging""}")).Status);
        }

        [Fact]
        public async Task EmptyBodyMeansTheDefaultBodyAsPowerShellPassesNullAsEmpty()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("GET", "/v1/models", 429, "", 1);

            var (status, body) = await fx.CallAsync("GET", "v1/models");

            Assert.Equal(429, status);
            Assert.Equal(1, body.GetProperty("retry_after").GetInt32());
        }

        [Fact]
        public async Task CustomBodyIsSentAsIs()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("GET", "/v1/models", 500, "{\"detail\": \"boom\"}", 1);

            var (status, body) = await fx.CallAsync("GET", "v1/models");

            Assert.Equal(500, status);
            Assert.Equal("boom", body.GetProperty("detail").GetString());
        }

        [Fact]
        public async Task WildcardMatchesOneSegmentAndMethodsAreRespected()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("PATCH", "/v1/models/*/environments/*", 500, null, 5);

            var get = await fx.CallAsync("GET", fx.EnvironmentsPath + "/production");
            var deeper = await fx.CallAsync("PATCH", fx.EnvironmentsPath + "/production/extra", "{}");
            var patch = await fx.CallAsync("PATCH", fx.EnvironmentsPath + "/production", "{}");

            Assert.Equal(200, get.Status);
            Assert.Equal(404, deeper.Status);
            Assert.Equal(500, patch.Status);
        }

        [Fact]
        public async Task AnyMethodAndAnyPath()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("*", "*", 502, null, 2);

            var first = await fx.CallAsync("GET", "v1/models");
            var second = await fx.CallAsync("DELETE", fx.EnvironmentsPath + "/production");

            Assert.Equal(502, first.Status);
            Assert.Equal(502, second.Status);
            Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
        }

        [Fact]
        public async Task FaultsMatchInTheOrderInjected()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("GET", "/v1/models", 500, null, 1);
            fx.Emulator.InjectFault("*", "/v1/models", 503, null, 1);

            Assert.Equal(500, (await fx.CallAsync("GET", "v1/models")).Status);
            Assert.Equal(503, (await fx.CallAsync("GET", "v1/models")).Status);
            Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
        }

        [Fact]
        public async Task ClearFaultsRemovesPendingFaults()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("*", "*", 500, null, 10);

            fx.Emulator.ClearFaults();

            Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
        }

        [Fact]
        public async Task InjectedAnswersAreLogged()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("GET", "/v1/models", 429, null, 1);

            await fx.CallAsync("GET", "v1/models");

            var entry = Assert.Single(fx.Emulator.Requests);
            Assert.Equal(429, entry.StatusCode);
            Assert.Contains("retry_after", entry.ResponseBody);
        }

        [Fact]
        public async Task DelayWithStatusZeroAnswersNormallyAfterwards()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("GET", "/v1/models", 0, null, 1, 300);

            var watch = Stopwatch.StartNew();
            var (status, body) = await fx.CallAsync("GET", "v1/models");
            watch.Stop();

            Assert.Equal(200, status);
            Assert.Equal(fx.Model.Id, Json.At(body, "models", 0, "id").GetString());
            // A lower bound only: the answer cannot come before the delay.
            Assert.True(watch.ElapsedMilliseconds >= 250, "answered after " + watch.ElapsedMilliseconds + " ms");
        }

        [Fact]
        public async Task DelayedRequestDoesNotHoldUpOthers()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.InjectFault("GET", "/v1/models", 504, null, 1, 20000);

            var slow = fx.CallAsync("GET", "v1/models");
            var fast = await fx.CallAsync("GET", fx.EnvironmentsPath);

            Assert.Equal(200, fast.Status);
            Assert.False(slow.IsCompleted);
            fx.Emulator.Stop();
            await Assert.ThrowsAnyAsync<Exception>(() => slow);
        }

        [Fact]
        public void FaultArgumentsAreChecked()
        {
            using var fx = new EmulatorFixture();

            Assert.Throws<ArgumentOutOfRangeException>(() => fx.Emulator.InjectFault("GET", "/v1/models", 500, null, 0));
            Assert.Throws<ArgumentOutOfRangeException>(() => fx.Emulator.InjectFault("GET", "/v1/models", 42, null, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => fx.Emulator.InjectFault("GET", "/v1/models", 0, null, 1, -1));
            Assert.Throws<ArgumentException>(() => fx.Emulator.InjectFault("GET", "", 500, null, 1));
        }
    }
}
