using System;
using System.Collections.Concurrent;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    /// <summary>The per-key limit: Baseten's 429 body and a Retry-After header, then service again.</summary>
    public class RateLimitTests
    {
        [Fact]
        public async Task OverTheLimitAnswers429WithHeaderAndBodyThenRecovers()
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { RateLimitPerSecond = 5 });

            var answers = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
            {
                using var response = await fx.SendAsync("GET", "v1/models");
                return (Status: (int)response.StatusCode, RetryAfter: response.Headers.RetryAfter?.Delta, Text: await response.Content.ReadAsStringAsync());
            }));

            var throttled = answers.Where(a => a.Status == 429).ToList();
            Assert.NotEmpty(throttled);
            Assert.True(answers.Count(a => a.Status == 200) >= 5);
            Assert.All(answers, a => Assert.Contains(a.Status, new[] { 200, 429 }));
            foreach (var answer in throttled)
            {
                Assert.NotNull(answer.RetryAfter);
                Assert.True(answer.RetryAfter.Value >= TimeSpan.FromSeconds(1));
                using var body = JsonDocument.Parse(answer.Text);
                Assert.Equal("Rate limit exceeded. Please try again later.", body.RootElement.GetProperty("error").GetString());
                Assert.Equal((int)answer.RetryAfter.Value.TotalSeconds, body.RootElement.GetProperty("retry_after").GetInt32());
            }

            Assert.Equal(throttled.Count, fx.Emulator.ThrottledCount);
            Assert.Equal(20, fx.Emulator.RequestCount);
            Assert.Equal(throttled.Count, fx.Emulator.Requests.Count(r => r.StatusCode == 429 && r.Fault == null));

            await Task.Delay(TimeSpan.FromSeconds(1.2));
            for (var i = 0; i < 3; i++)
            {
                Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
            }
        }

        [Fact]
        public async Task SetRateLimitChangesItAtRunTime()
        {
            using var fx = new EmulatorFixture();
            Assert.Equal(0, fx.Emulator.RateLimitPerSecond);
            for (var i = 0; i < 10; i++)
            {
                Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);
            }

            fx.Emulator.SetRateLimit(1);
            var first = (await fx.CallAsync("GET", "v1/models")).Status;
            var second = (await fx.CallAsync("GET", "v1/models")).Status;
            fx.Emulator.SetRateLimit(0);
            var third = (await fx.CallAsync("GET", "v1/models")).Status;

            Assert.Equal(1, fx.Emulator.ThrottledCount);
            Assert.Equal(new[] { 200, 429, 200 }, new[] { first, second, third });
            Assert.Throws<ArgumentOutOfRangeException>(() => fx.Emulator.SetRateLimit(-1));
            Assert.Throws<ArgumentOutOfRangeException>(() => BasetenEmulator.Start(new EmulatorOptions { RateLimitPerSecond = -1 }));
        }

        [Fact]
        public async Task EachKeyHasItsOwnLimit()
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { ReadOnlyApiKey = "read-only-key", RateLimitPerSecond = 1 });
            using var readOnly = fx.NewClient("Api-Key", "read-only-key");
            using var anonymous = fx.NewClient(null, null);

            var full = new[] { (await fx.CallAsync("GET", "v1/models")).Status, (await fx.CallAsync("GET", "v1/models")).Status };
            var other = (await fx.CallAsync("GET", "v1/models", client: readOnly)).Status;
            // No key is no key: refused as such, whatever the limit.
            var none = (await fx.CallAsync("GET", "v1/models", client: anonymous)).Status;

            Assert.Equal(new[] { 200, 429 }, full);
            Assert.Equal(200, other);
            Assert.Equal(401, none);
        }

        [Fact]
        public async Task AThousandCallsFromEightWorkersAllCompleteByHonouringRetryAfter()
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { RateLimitPerSecond = 250 });
            var statuses = new ConcurrentBag<int>();
            var attempts = 0;

            await Task.WhenAll(Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
            {
                using var client = fx.NewClient("Api-Key", fx.Emulator.ApiKey);
                for (var call = worker; call < 1000; call += 8)
                {
                    while (true)
                    {
                        System.Threading.Interlocked.Increment(ref attempts);
                        using var response = await client.GetAsync(fx.EnvironmentsPath);
                        if ((int)response.StatusCode != 429)
                        {
                            statuses.Add((int)response.StatusCode);
                            break;
                        }

                        await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1));
                    }
                }
            })));

            Assert.Equal(1000, statuses.Count);
            Assert.All(statuses, s => Assert.Equal(200, s));
            Assert.True(fx.Emulator.ThrottledCount > 0, "never throttled");
            Assert.Equal(attempts, fx.Emulator.RequestCount);
            Assert.Equal(attempts - 1000, fx.Emulator.ThrottledCount);
        }
    }
}
