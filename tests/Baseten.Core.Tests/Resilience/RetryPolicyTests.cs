using System;
using System.Net;
using Baseten.Core.Http;
using Xunit;

namespace Baseten.Core.Tests.Resilience
{
    /// <summary>The retry settings: exponential backoff with equal jitter, caps, validation, copies.</summary>
    public class RetryPolicyTests
    {
        private static RetryPolicy Policy(double baseMs, double maxMs) =>
            new RetryPolicy(5, TimeSpan.FromMilliseconds(baseMs), TimeSpan.FromMilliseconds(maxMs), TimeSpan.FromMinutes(1));

        [Theory]
        [InlineData(1, 100, 50)]
        [InlineData(2, 200, 100)]
        [InlineData(3, 400, 200)]
        [InlineData(4, 800, 400)]
        [InlineData(5, 1600, 800)]
        public void BackoffDoublesPerRetryBetweenHalfAndAllOfTheDoubledBase(int retry, double full, double half)
        {
            var policy = Policy(100, 60_000);

            Assert.Equal(TimeSpan.FromMilliseconds(half), policy.Backoff(retry, 0));
            Assert.Equal(TimeSpan.FromMilliseconds(full), policy.Backoff(retry, 1));
            Assert.Equal(TimeSpan.FromMilliseconds(half + (full - half) / 2), policy.Backoff(retry, 0.5));
        }

        [Fact]
        public void BackoffStaysWithinItsBoundsForEveryDraw()
        {
            var policy = Policy(100, 60_000);
            var random = new Random(1234);
            for (var retry = 1; retry <= 8; retry++)
            {
                var ceiling = 100 * Math.Pow(2, retry - 1);
                for (var i = 0; i < 200; i++)
                {
                    var wait = policy.Backoff(retry, random.NextDouble()).TotalMilliseconds;
                    Assert.InRange(wait, ceiling / 2, ceiling);
                }
            }
        }

        [Fact]
        public void BackoffGrowsMonotonicallyForTheSameDraw()
        {
            var policy = Policy(10, 1_000_000);
            var previous = TimeSpan.Zero;
            for (var retry = 1; retry <= 15; retry++)
            {
                var wait = policy.Backoff(retry, 0.3);
                Assert.True(wait > previous, $"retry {retry}: {wait} is not longer than {previous}");
                Assert.Equal(2.0, retry == 1 ? 2.0 : wait.TotalMilliseconds / previous.TotalMilliseconds, 6);
                previous = wait;
            }
        }

        [Theory]
        [InlineData(5)]
        [InlineData(6)]
        [InlineData(20)]
        [InlineData(21)]
        [InlineData(1000)]
        [InlineData(int.MaxValue)]
        public void BackoffIsCappedByMaxDelay(int retry)
        {
            var policy = Policy(100, 1_000);

            Assert.Equal(TimeSpan.FromMilliseconds(1_000), policy.Backoff(retry, 1));
            Assert.Equal(TimeSpan.FromMilliseconds(500), policy.Backoff(retry, 0));
        }

        [Fact]
        public void BackoffOfAHugeRetryNumberDoesNotOverflow()
        {
            var policy = new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromDays(3650), TimeSpan.Zero);

            var wait = policy.Backoff(int.MaxValue, 1);

            // The exponent stops at 2^20: about 12 days, below the 10-year MaxDelay.
            Assert.Equal(TimeSpan.FromSeconds(Math.Pow(2, 20)), wait);
        }

        [Theory]
        [InlineData(0)]
        [InlineData(-1)]
        [InlineData(int.MinValue)]
        public void BackoffTreatsARetryNumberBelowOneAsTheFirst(int retry)
        {
            var policy = Policy(100, 60_000);

            Assert.Equal(policy.Backoff(1, 0.25), policy.Backoff(retry, 0.25));
        }

        [Theory]
        [InlineData(-0.5, 0)]
        [InlineData(-1e300, 0)]
        [InlineData(double.NegativeInfinity, 0)]
        [InlineData(1.5, 1)]
        [InlineData(1e300, 1)]
        [InlineData(double.PositiveInfinity, 1)]
        public void JitterOutsideZeroToOneIsClamped(double jitter, double clamped)
        {
            var policy = Policy(100, 60_000);

            Assert.Equal(policy.Backoff(3, clamped), policy.Backoff(3, jitter));
        }

        [Fact]
        public void ZeroBaseDelayMeansNoWait()
        {
            var policy = new RetryPolicy(3, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(1));

            Assert.Equal(TimeSpan.Zero, policy.Backoff(1, 1));
            Assert.Equal(TimeSpan.Zero, policy.Backoff(10, 0.7));
        }

        [Fact]
        public void DefaultIsConservative()
        {
            var policy = RetryPolicy.Default;

            Assert.Equal(3, policy.MaxRetries);
            Assert.Equal(TimeSpan.FromSeconds(1), policy.BaseDelay);
            Assert.Equal(TimeSpan.FromSeconds(30), policy.MaxDelay);
            Assert.Equal(TimeSpan.FromSeconds(60), policy.MaxRetryTime);
            Assert.InRange(policy.Backoff(1, 0).TotalMilliseconds, 500, 500);
        }

        [Fact]
        public void NoneNeverRetries()
        {
            Assert.Equal(0, RetryPolicy.None.MaxRetries);
            Assert.Equal(TimeSpan.Zero, RetryPolicy.None.MaxRetryTime);
        }

        [Fact]
        public void ZeroAndEqualValuesAreAccepted()
        {
            var policy = new RetryPolicy(0, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero);
            var same = new RetryPolicy(int.MaxValue, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2), TimeSpan.MaxValue);

            Assert.Equal(0, policy.MaxRetries);
            Assert.Equal(int.MaxValue, same.MaxRetries);
            Assert.Equal(TimeSpan.FromSeconds(2), same.MaxDelay);
        }

        [Fact]
        public void NegativeMaxRetriesIsRefused()
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(-1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)));
            Assert.Equal("maxRetries", error.ParamName);
        }

        [Fact]
        public void NegativeBaseDelayIsRefused()
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.FromMilliseconds(-1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(3)));
            Assert.Equal("baseDelay", error.ParamName);
        }

        [Fact]
        public void MaxDelayBelowBaseDelayIsRefused()
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3)));
            Assert.Equal("maxDelay", error.ParamName);
        }

        [Fact]
        public void NegativeMaxRetryTimeIsRefused()
        {
            var error = Assert.Throws<ArgumentOutOfRangeException>(() => new RetryPolicy(1, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromTicks(-1)));
            Assert.Equal("maxRetryTime", error.ParamName);
        }

        [Fact]
        public void WithMaxRetriesChangesOnlyThat()
        {
            var original = new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));

            var changed = original.WithMaxRetries(7);

            Assert.NotSame(original, changed);
            Assert.Equal(7, changed.MaxRetries);
            Assert.Equal(original.BaseDelay, changed.BaseDelay);
            Assert.Equal(original.MaxDelay, changed.MaxDelay);
            Assert.Equal(original.MaxRetryTime, changed.MaxRetryTime);
            Assert.Equal(3, original.MaxRetries);
            Assert.Throws<ArgumentOutOfRangeException>(() => original.WithMaxRetries(-1));
        }

        [Fact]
        public void WithMaxRetryTimeChangesOnlyThat()
        {
            var original = new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));

            var changed = original.WithMaxRetryTime(TimeSpan.FromSeconds(5));

            Assert.Equal(TimeSpan.FromSeconds(5), changed.MaxRetryTime);
            Assert.Equal(3, changed.MaxRetries);
            Assert.Equal(original.BaseDelay, changed.BaseDelay);
            Assert.Equal(original.MaxDelay, changed.MaxDelay);
            Assert.Equal(TimeSpan.FromSeconds(20), original.MaxRetryTime);
            Assert.Throws<ArgumentOutOfRangeException>(() => original.WithMaxRetryTime(TimeSpan.FromSeconds(-1)));
        }

        [Fact]
        public void WithBaseDelayKeepsMaxDelayWhenItIsStillAboveIt()
        {
            var original = new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));

            var changed = original.WithBaseDelay(TimeSpan.FromSeconds(2));

            Assert.Equal(TimeSpan.FromSeconds(2), changed.BaseDelay);
            Assert.Equal(TimeSpan.FromSeconds(9), changed.MaxDelay);
            Assert.Equal(3, changed.MaxRetries);
            Assert.Equal(TimeSpan.FromSeconds(20), changed.MaxRetryTime);
        }

        [Fact]
        public void WithBaseDelayRaisesMaxDelayRatherThanFail()
        {
            var original = new RetryPolicy(3, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(9), TimeSpan.FromSeconds(20));

            var changed = original.WithBaseDelay(TimeSpan.FromSeconds(15));

            Assert.Equal(TimeSpan.FromSeconds(15), changed.BaseDelay);
            Assert.Equal(TimeSpan.FromSeconds(15), changed.MaxDelay);
            Assert.Equal(TimeSpan.FromSeconds(15), changed.Backoff(3, 1));
            Assert.Throws<ArgumentOutOfRangeException>(() => original.WithBaseDelay(TimeSpan.FromSeconds(-1)));
        }

        [Fact]
        public void ToStringNamesEverySetting()
        {
            // Whole seconds, so the text is the same in every culture.
            var text = new RetryPolicy(2, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(30)).ToString();

            Assert.Equal("MaxRetries 2, BaseDelay 2 s, MaxDelay 4 s, MaxRetryTime 30 s", text);
        }

        // ---- on the connection -------------------------------------------------------------------------------

        [Fact]
        public void ConnectionRetriesByDefault()
        {
            var connection = new BasetenConnection(new Uri("https://api.example.test"), "key", TimeSpan.FromSeconds(5));

            Assert.Same(RetryPolicy.Default, connection.RetryPolicy);
            Assert.Same(RetryPolicy.Default, new BasetenConnection(null, "key", TimeSpan.FromSeconds(5), null, null).RetryPolicy);
        }

        [Fact]
        public void WithRetryPolicyKeepsEverythingElse()
        {
            var proxy = new ProxySettings(new Uri("http://proxy.example.test:3128"), new NetworkCredential("user", "pass"), false);
            var connection = new BasetenConnection(new Uri("https://api.example.test/base"), "prefix.secretsecretsecret", TimeSpan.FromSeconds(7), RetryPolicy.Default, proxy);
            var policy = new RetryPolicy(9, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(2), TimeSpan.FromSeconds(3));

            var changed = connection.WithRetryPolicy(policy);

            Assert.Same(policy, changed.RetryPolicy);
            Assert.Equal(connection.BaseUri, changed.BaseUri);
            Assert.Equal(connection.Timeout, changed.Timeout);
            Assert.Same(proxy, changed.Proxy);
            Assert.Equal(connection.ApiKey, changed.ApiKey);
            Assert.Same(RetryPolicy.Default, connection.RetryPolicy);
            Assert.Same(RetryPolicy.Default, connection.WithRetryPolicy(null).RetryPolicy);
        }

        [Fact]
        public void WithTimeoutKeepsTheRetryPolicy()
        {
            var policy = RetryPolicy.None;
            var connection = new BasetenConnection(new Uri("https://api.example.test"), "key", TimeSpan.FromSeconds(7), policy, null);

            Assert.Same(policy, connection.WithTimeout(TimeSpan.FromSeconds(1)).RetryPolicy);
        }
    }
}
