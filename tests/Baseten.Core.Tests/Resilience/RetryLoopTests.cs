using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Net.Http;
using System.Text.RegularExpressions;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests.Resilience
{
    /// <summary>
    /// The retry loop of <see cref="BasetenHttpClient.SendAsync{T}(BasetenConnection, HttpMethod, string, object, ReadBack{T}, IHttpLog, CancellationToken)"/>
    /// against a scripted server: what is retried, how often, how long it waits, what it writes, and that a
    /// change is never sent twice unless it is known that the first did not take effect.
    /// Waits are kept tiny (1-10 ms backoff, retry_after 0.01 s); the few timing checks are behavioural
    /// lower bounds with generous tolerance, not performance figures.
    /// </summary>
    [Collection(TimingSensitiveTests.Name)]
    public class RetryLoopTests
    {
        private const string Key = "abcd1234.RetryLoopSecret0987654321";
        private const string Secret = "RetryLoopSecret0987654321";
        private const string ItemPath = "v1/models/m1/environments/staging";
        private const string CollectionPath = "v1/models/m1/environments";

        private const string Staging = """{"name": "staging", "created_at": "2026-08-01T10:00:00Z", "model_id": "m1"}""";

        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

        private static RetryPolicy Fast(int maxRetries = 3, TimeSpan? maxRetryTime = null) =>
            new RetryPolicy(maxRetries, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10), maxRetryTime ?? TimeSpan.FromSeconds(10));

        private static BasetenConnection Connection(RetryPolicy policy, TimeSpan? timeout = null) =>
            new BasetenConnection(new Uri("https://api.example.test"), Key, timeout ?? TimeSpan.FromSeconds(10), policy, null);

        private static async Task<EnvironmentV1> Get(ScriptedServer server, RetryPolicy policy, IHttpLog log = null, CancellationToken token = default,
            TimeSpan? timeout = null)
        {
            using var client = new BasetenHttpClient("xunit", server.Handler);
            return await client.SendAsync<EnvironmentV1>(Connection(policy, timeout), HttpMethod.Get, ItemPath, null, null, log, token).WaitAsync(Patience);
        }

        private static async Task<EnvironmentV1> Send(ScriptedServer server, HttpMethod method, RetryPolicy policy, ReadBack<EnvironmentV1> readBack = null,
            IHttpLog log = null, CancellationToken token = default)
        {
            using var client = new BasetenHttpClient("xunit", server.Handler);
            var body = new CreateEnvironmentRequestV1 { Name = "staging" };
            var path = method == HttpMethod.Post ? CollectionPath : ItemPath;
            return await client.SendAsync(Connection(policy), method, path, body, readBack, log, token).WaitAsync(Patience);
        }

        private static Task<EnvironmentV1> Post(ScriptedServer server, RetryPolicy policy, ReadBack<EnvironmentV1> readBack = null, IHttpLog log = null,
            CancellationToken token = default) =>
            Send(server, HttpMethod.Post, policy, readBack, log, token);

        private static EnvironmentV1 Environment(string name) => new EnvironmentV1 { Name = name, CreatedAt = DateTimeOffset.UtcNow };

        private static readonly Regex RetryLine = new Regex(
            @"^Retry (?<i>\d+) of (?<n>\d+) for (?<method>[A-Z]+) /(?<path>\S+) after (?<what>.+): waiting (?<wait>\d+(\.\d+)?) s(?<asked> as the API asked)?\.$");

        private static List<Match> RetryLines(ListLog log) =>
            log.VerboseLines.Select(l => RetryLine.Match(l)).Where(m => m.Success).ToList();

        // ---- idempotent requests: every transient failure is retried ---------------------------------------------

        [Theory]
        [InlineData(429)]
        [InlineData(503)]
        [InlineData(502)]
        [InlineData(504)]
        [InlineData(408)]
        public async Task GetIsRetriedOnATransientStatusThenSucceeds(int status)
        {
            var failure = status == 429 ? ScriptedServer.RateLimited(0.01) : ScriptedServer.Status(status, "{\"error\": \"transient\"}");
            var server = new ScriptedServer(failure, failure, ScriptedServer.Ok(Staging));
            var log = new ListLog();

            var result = await Get(server, Fast(3), log);

            Assert.Equal("staging", result.Name);
            Assert.Equal(3, server.Seen.Count);
            Assert.All(server.Seen, r => Assert.Equal(HttpMethod.Get, r.Method));
            var retries = RetryLines(log);
            Assert.Equal(2, retries.Count);
            Assert.Equal(new[] { "1", "2" }, retries.Select(m => m.Groups["i"].Value));
            Assert.All(retries, m => Assert.Equal("3", m.Groups["n"].Value));
            Assert.All(retries, m => Assert.StartsWith(status.ToString(), m.Groups["what"].Value));
            Assert.All(retries, m => Assert.Equal(ItemPath, m.Groups["path"].Value));
        }

        [Theory]
        [InlineData("PUT")]
        [InlineData("DELETE")]
        public async Task OtherIdempotentMethodsAreRetriedOnAnAmbiguousFailure(string method)
        {
            var server = new ScriptedServer(ScriptedServer.Status(502, "{}"), ScriptedServer.Throw(ScriptedServer.ConnectionReset), ScriptedServer.Ok(Staging));

            var result = await Send(server, new HttpMethod(method), Fast(3));

            Assert.Equal("staging", result.Name);
            Assert.Equal(3, server.Seen.Count);
        }

        [Fact]
        public async Task GetIsRetriedAfterAConnectionReset()
        {
            var server = new ScriptedServer(
                ScriptedServer.Throw(ScriptedServer.ConnectionReset),
                ScriptedServer.Throw(ScriptedServer.ConnectionResetIo),
                ScriptedServer.Throw(ScriptedServer.ConnectionRefused),
                ScriptedServer.Ok(Staging));
            var log = new ListLog();

            var result = await Get(server, Fast(3), log);

            Assert.Equal("staging", result.Name);
            Assert.Equal(4, server.Seen.Count);
            Assert.Equal(3, RetryLines(log).Count);
            Assert.All(RetryLines(log), m => Assert.Equal("a connection failure", m.Groups["what"].Value));
        }

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        [InlineData(409)]
        [InlineData(422)]
        [InlineData(500)]
        public async Task FinalStatusesAreNeverRetried(int status)
        {
            // Even when the answer asks for a wait: the status decides.
            var server = new ScriptedServer(ScriptedServer.Status(status, "{\"error\": \"final\", \"retry_after\": 0.01}"), ScriptedServer.Ok(Staging));
            var log = new ListLog();

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Get(server, Fast(5), log));

            Assert.Equal(status, error.StatusCode);
            Assert.Single(server.Seen);
            Assert.Empty(RetryLines(log));
            Assert.DoesNotContain(log.VerboseLines, l => l.StartsWith("Giving up", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        [InlineData(409)]
        [InlineData(422)]
        [InlineData(500)]
        public async Task FinalStatusesAreNeverRetriedForAPostEither(int status)
        {
            var server = new ScriptedServer(ScriptedServer.Status(status, "{\"error\": \"final\"}"), ScriptedServer.Ok(Staging));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.Returns(Environment("staging")));

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Post(server, Fast(5), readBack.Delegate));

            Assert.Equal(status, error.StatusCode);
            Assert.Single(server.Seen);
            // Nothing ambiguous happened, so nothing is read back: a 409 on the first attempt is a real conflict.
            Assert.Equal(0, readBack.Calls);
        }

        [Fact]
        public async Task ATimeoutIsNotRetried()
        {
            var server = new ScriptedServer(ScriptedServer.Hang(), ScriptedServer.Ok(Staging));
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<BasetenTimeoutException>(() => Get(server, Fast(3), timeout: TimeSpan.FromMilliseconds(200)));

            Assert.Single(server.Seen);
            Assert.Equal(TimeSpan.FromMilliseconds(200), error.Timeout);
            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
        }

        [Theory]
        [InlineData("")]
        [InlineData("<html><body>Welcome to nginx</body></html>")]
        [InlineData("{\"name\": 5}")]
        public async Task AnUnreadableSuccessIsNotRetried(string body)
        {
            var server = new ScriptedServer(ScriptedServer.Ok(body), ScriptedServer.Ok(Staging));

            await Assert.ThrowsAsync<BasetenResponseException>(() => Get(server, Fast(3)));

            Assert.Single(server.Seen);
        }

        // ---- the caps ------------------------------------------------------------------------------------------------

        [Fact]
        public async Task MaxRetriesCapsTheAttemptsAndTheLastErrorIsThrown()
        {
            var server = new ScriptedServer(
                ScriptedServer.Status(503, "{\"error\": \"first\"}"),
                ScriptedServer.Status(502, "{\"error\": \"second\"}"),
                ScriptedServer.Status(504, "{\"error\": \"third\"}"),
                ScriptedServer.Ok(Staging));
            var log = new ListLog();

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Get(server, Fast(2), log));

            Assert.Equal(3, server.Seen.Count);
            Assert.Equal(504, error.StatusCode);
            Assert.Equal("third", error.ApiMessage);
            Assert.Equal(2, RetryLines(log).Count);
            Assert.Contains(log.VerboseLines, l => l.StartsWith("Giving up on GET /" + ItemPath + " after 3 attempts: 504", StringComparison.Ordinal));
        }

        [Theory]
        [InlineData(0, 1)]
        [InlineData(1, 2)]
        [InlineData(4, 5)]
        public async Task AttemptsAreOneMoreThanMaxRetries(int maxRetries, int attempts)
        {
            var server = new ScriptedServer(ScriptedServer.RateLimited(0));
            var log = new ListLog();

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Get(server, Fast(maxRetries), log));

            Assert.Equal(429, error.StatusCode);
            Assert.Equal(attempts, server.Seen.Count);
            Assert.Equal(maxRetries, RetryLines(log).Count);
            // With retries off there is nothing to give up on.
            Assert.Equal(maxRetries > 0, log.VerboseLines.Any(l => l.StartsWith("Giving up", StringComparison.Ordinal)));
        }

        [Fact]
        public async Task AWaitPastMaxRetryTimeIsNotWaitedTheErrorIsThrownAtOnce()
        {
            var server = new ScriptedServer(ScriptedServer.RateLimited(5), ScriptedServer.Ok(Staging));
            var log = new ListLog();
            var clock = Stopwatch.StartNew();

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Get(server, Fast(3, TimeSpan.FromSeconds(1)), log));

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"waited {clock.Elapsed} although the limit is 1 s");
            Assert.Equal(429, error.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(5), error.RetryAfter);
            Assert.Single(server.Seen);
            Assert.Empty(RetryLines(log));
            var line = Assert.Single(log.VerboseLines, l => l.StartsWith("Not retrying", StringComparison.Ordinal));
            Assert.Contains("GET /" + ItemPath, line);
            Assert.Contains("429", line);
            Assert.Contains("5.0 s", line);
            Assert.Contains("would pass the 1 s retry limit", line);
        }

        [Fact]
        public async Task MaxRetryTimeCountsEveryWaitOfTheCall()
        {
            // The limit counts wall time from the first failure: 200 ms + 200 ms (plus the requests' own few ms)
            // fit in 550 ms; a third 200 ms would not.
            var server = new ScriptedServer(ScriptedServer.RateLimited(0.2));
            var log = new ListLog();

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Get(server, Fast(10, TimeSpan.FromMilliseconds(550)), log));

            Assert.Equal(429, error.StatusCode);
            Assert.Equal(3, server.Seen.Count);
            Assert.Equal(2, RetryLines(log).Count);
            Assert.Contains(log.VerboseLines, l => l.StartsWith("Not retrying GET", StringComparison.Ordinal) && l.Contains("s spent retrying so far"));
        }

        // ---- waits -----------------------------------------------------------------------------------------------------

        [Fact]
        public async Task TheWaitTheServerAskedForIsWaited()
        {
            var server = new ScriptedServer(ScriptedServer.RateLimited(0.3), ScriptedServer.Ok(Staging));
            var log = new ListLog();

            await Get(server, Fast(3), log);

            var arrivals = server.Arrivals;
            Assert.Equal(2, arrivals.Count);
            var gap = arrivals[1] - arrivals[0];
            // A lower bound only (a busy machine makes it longer, never shorter); 50 ms of slack for timer granularity.
            Assert.True(gap >= TimeSpan.FromMilliseconds(250), $"the second request came {gap.TotalMilliseconds} ms after the first; 300 ms were asked for");
            var retry = Assert.Single(RetryLines(log));
            Assert.Equal("0.3", retry.Groups["wait"].Value);
            Assert.True(retry.Groups["asked"].Success);
        }

        [Fact]
        public async Task TheRetryAfterHeaderIsWaitedToo()
        {
            var server = new ScriptedServer(ScriptedServer.Status(503, "{\"error\": \"busy\"}", "0.3"), ScriptedServer.Ok(Staging));
            var log = new ListLog();

            await Get(server, Fast(3), log);

            var gap = server.Arrivals[1] - server.Arrivals[0];
            Assert.True(gap >= TimeSpan.FromMilliseconds(250), $"the second request came {gap.TotalMilliseconds} ms after the first; 300 ms were asked for");
            Assert.True(Assert.Single(RetryLines(log)).Groups["asked"].Success);
        }

        [Fact]
        public async Task WithoutAnAskedWaitTheBackoffGrowsExponentially()
        {
            // BaseDelay 20 ms: waits of at least 10, 20 and 40 ms (half of the doubled base, the jitter adds the rest).
            var policy = new RetryPolicy(3, TimeSpan.FromMilliseconds(20), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10));
            var server = new ScriptedServer(ScriptedServer.Status(503, "{}"), ScriptedServer.Status(503, "{}"), ScriptedServer.Status(503, "{}"), ScriptedServer.Ok(Staging));
            var log = new ListLog();

            await Get(server, policy, log);

            var arrivals = server.Arrivals;
            Assert.Equal(4, arrivals.Count);
            for (var i = 1; i < arrivals.Count; i++)
            {
                var least = TimeSpan.FromMilliseconds(10 * Math.Pow(2, i - 1) - 3);
                var gap = arrivals[i] - arrivals[i - 1];
                Assert.True(gap >= least, $"retry {i} came after {gap.TotalMilliseconds} ms; at least {least.TotalMilliseconds} ms expected");
            }
            Assert.All(RetryLines(log), m => Assert.False(m.Groups["asked"].Success, "no wait was asked for: " + m.Value));
        }

        // ---- changes: POST and PATCH -----------------------------------------------------------------------------------

        [Theory]
        [InlineData(429)]
        [InlineData(503)]
        [InlineData(408)]
        public async Task PostIsRetriedWhenTheFailureShowsItDidNotApply(int status)
        {
            var failure = status == 429 ? ScriptedServer.RateLimited(0.01) : ScriptedServer.Status(status, "{\"error\": \"not now\"}");
            var server = new ScriptedServer(failure, ScriptedServer.Ok(Staging));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.NotFound());

            var withoutReadBack = await Post(server, Fast(3));

            Assert.Equal("staging", withoutReadBack.Name);
            Assert.Equal(2, server.Seen.Count);
            Assert.All(server.Seen, r => Assert.Equal(HttpMethod.Post, r.Method));
            Assert.Equal(server.Seen[0].Body, server.Seen[1].Body);

            var again = new ScriptedServer(failure, ScriptedServer.Ok(Staging));
            await Post(again, Fast(3), readBack.Delegate);
            Assert.Equal(2, again.Seen.Count);
            Assert.Equal(0, readBack.Calls);
        }

        [Theory]
        [InlineData(502)]
        [InlineData(504)]
        public async Task PostIsNotRetriedAfterAGatewayFailureWithoutAReadBack(int status)
        {
            var server = new ScriptedServer(ScriptedServer.Status(status, "{\"error\": \"gateway\"}"), ScriptedServer.Ok(Staging));
            var log = new ListLog();

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Post(server, Fast(3), log: log));

            Assert.Equal(status, error.StatusCode);
            Assert.Single(server.Seen);
            Assert.Empty(RetryLines(log));
            Assert.Contains(log.VerboseLines, l => l.StartsWith("Not retrying POST /" + CollectionPath, StringComparison.Ordinal) && l.Contains("may have taken effect"));
        }

        [Fact]
        public async Task PatchIsNotRetriedAfterAGatewayFailureWithoutAReadBack()
        {
            var server = new ScriptedServer(ScriptedServer.Status(502, "{}"), ScriptedServer.Ok(Staging));

            await Assert.ThrowsAsync<BasetenApiException>(() => Send(server, HttpMethod.Patch, Fast(3)));

            Assert.Single(server.Seen);
        }

        [Fact]
        public async Task PatchIsRetriedWhenTheFailureShowsItDidNotApply()
        {
            var server = new ScriptedServer(ScriptedServer.RateLimited(0.01), ScriptedServer.Ok(Staging));

            await Send(server, HttpMethod.Patch, Fast(3));

            Assert.Equal(2, server.Seen.Count);
        }

        public static IEnumerable<object[]> ResetsAfterSending()
        {
            yield return new object[] { "HttpRequestException(IOException(SocketException ConnectionReset))", (Func<Exception>)ScriptedServer.ConnectionReset };
            yield return new object[] { "IOException(SocketException ConnectionReset)", (Func<Exception>)ScriptedServer.ConnectionResetIo };
        }

        [Theory]
        [MemberData(nameof(ResetsAfterSending))]
        public async Task PostIsNotRetriedAfterAConnectionResetWithoutAReadBack(string shape, Func<Exception> reset)
        {
            var server = new ScriptedServer(ScriptedServer.Throw(reset), ScriptedServer.Ok(Staging));
            var log = new ListLog();

            var error = await Assert.ThrowsAsync<BasetenConnectionException>(() => Post(server, Fast(3), log: log));

            Assert.True(server.Seen.Count == 1, shape);
            Assert.Equal("POST", error.Method);
            Assert.Contains(log.VerboseLines, l => l.Contains("may have taken effect"));
        }

        [Theory]
        [MemberData(nameof(ResetsAfterSending))]
        public async Task PostIsRetriedAfterAConnectionResetWhenTheReadBackFindsNothing(string shape, Func<Exception> reset)
        {
            var server = new ScriptedServer(ScriptedServer.Throw(reset), ScriptedServer.Ok(Staging));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.NotFound());
            var log = new ListLog();

            var result = await Post(server, Fast(3), readBack.Delegate, log);

            Assert.Equal("staging", result.Name);
            Assert.True(server.Seen.Count == 2, shape);
            Assert.Equal(1, readBack.Calls);
            Assert.Contains("It did not: sending it again.", log.VerboseLines);
        }

        [Theory]
        [MemberData(nameof(ResetsAfterSending))]
        public async Task PostIsNotRetriedAfterAConnectionResetWhenTheReadBackFindsIt(string shape, Func<Exception> reset)
        {
            var server = new ScriptedServer(ScriptedServer.Throw(reset), ScriptedServer.Ok(Staging));
            var found = Environment("found-by-read-back");
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.Returns(found));
            var log = new ListLog();

            var result = await Post(server, Fast(3), readBack.Delegate, log);

            Assert.Same(found, result);
            Assert.True(server.Seen.Count == 1, shape);
            Assert.Equal(1, readBack.Calls);
            Assert.Contains("It did: returning what it created.", log.VerboseLines);
            Assert.Empty(RetryLines(log));
        }

        [Theory]
        [InlineData(502)]
        [InlineData(504)]
        public async Task PostIsRetriedAfterAGatewayFailureWhenTheReadBackFindsNothing(int status)
        {
            var server = new ScriptedServer(ScriptedServer.Status(status, "{}"), ScriptedServer.Ok(Staging));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.NotFound());
            var log = new ListLog();

            var result = await Post(server, Fast(3), readBack.Delegate, log);

            Assert.Equal("staging", result.Name);
            Assert.Equal(2, server.Seen.Count);
            Assert.Equal(1, readBack.Calls);
            var retry = Assert.Single(RetryLines(log));
            Assert.Equal("POST", retry.Groups["method"].Value);
            Assert.StartsWith(status.ToString(), retry.Groups["what"].Value);
        }

        [Theory]
        [InlineData(502)]
        [InlineData(504)]
        public async Task PostIsNotRetriedAfterAGatewayFailureWhenTheReadBackFindsIt(int status)
        {
            var server = new ScriptedServer(ScriptedServer.Status(status, "{}"), ScriptedServer.Ok(Staging));
            var found = Environment("found-by-read-back");
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.Returns(found));

            var result = await Post(server, Fast(3), readBack.Delegate);

            Assert.Same(found, result);
            Assert.Single(server.Seen);
            Assert.Equal(1, readBack.Calls);
        }

        [Fact]
        public async Task EachAmbiguousFailureIsReadBackBeforeTheNextPost()
        {
            var server = new ScriptedServer(
                ScriptedServer.Status(502, "{}"),
                ScriptedServer.Throw(ScriptedServer.ConnectionReset),
                ScriptedServer.Status(504, "{}"),
                ScriptedServer.Ok(Staging));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.NotFound());

            var result = await Post(server, Fast(3), readBack.Delegate);

            Assert.Equal("staging", result.Name);
            Assert.Equal(4, server.Seen.Count);
            Assert.Equal(3, readBack.Calls);
        }

        [Theory]
        [InlineData(SocketErrorShape.Refused)]
        [InlineData(SocketErrorShape.HostNotFound)]
        public async Task PostIsRetriedWhenTheConnectionWasNeverMade(SocketErrorShape shape)
        {
            Func<Exception> error = shape == SocketErrorShape.Refused ? ScriptedServer.ConnectionRefused : ScriptedServer.HostNotFound;
            var server = new ScriptedServer(ScriptedServer.Throw(error), ScriptedServer.Ok(Staging));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.Returns(Environment("must-not-be-read")));

            var withoutReadBack = await Post(server, Fast(3));
            var again = new ScriptedServer(ScriptedServer.Throw(error), ScriptedServer.Ok(Staging));
            var withReadBack = await Post(again, Fast(3), readBack.Delegate);

            Assert.Equal("staging", withoutReadBack.Name);
            Assert.Equal(2, server.Seen.Count);
            Assert.Equal("staging", withReadBack.Name);
            Assert.Equal(0, readBack.Calls);
        }

        public enum SocketErrorShape
        {
            Refused,
            HostNotFound,
        }

        [Fact]
        public async Task AConflictAfterAnAmbiguousAttemptIsReadBackAndTheCreateReturned()
        {
            // The first POST's answer was lost, the read-back did not see it yet, the second POST meets the first's environment.
            var server = new ScriptedServer(
                ScriptedServer.Status(502, "{}"),
                ScriptedServer.Status(409, "{\"error\": \"Environment 'staging' already exists\"}"));
            var found = Environment("staging");
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.NotFound(), ScriptedReadBack<EnvironmentV1>.Returns(found));

            var result = await Post(server, Fast(3), readBack.Delegate);

            Assert.Same(found, result);
            Assert.Equal(2, server.Seen.Count);
            Assert.Equal(2, readBack.Calls);
        }

        [Fact]
        public async Task AConflictAfterAnAmbiguousAttemptIsThrownWhenTheReadBackStillFindsNothing()
        {
            var server = new ScriptedServer(
                ScriptedServer.Throw(ScriptedServer.ConnectionReset),
                ScriptedServer.Status(409, "{\"error\": \"Environment 'staging' already exists\"}"));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.NotFound());

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Post(server, Fast(3), readBack.Delegate));

            Assert.Equal(409, error.StatusCode);
            Assert.Equal(2, server.Seen.Count);
            Assert.Equal(2, readBack.Calls);
        }

        [Fact]
        public async Task AConflictAfterARateLimitIsARealConflict()
        {
            // The 429 shows the first POST did not apply, so the 409 is someone else's environment: no read-back.
            var server = new ScriptedServer(ScriptedServer.RateLimited(0.01), ScriptedServer.Status(409, "{\"error\": \"exists\"}"));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.Returns(Environment("staging")));

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Post(server, Fast(3), readBack.Delegate));

            Assert.Equal(409, error.StatusCode);
            Assert.Equal(0, readBack.Calls);
        }

        public static IEnumerable<object[]> ReadBackFailures()
        {
            yield return new object[] { (Func<Exception>)(() => new BasetenApiException(500, "Internal Server Error", "boom", "{}", "GET", ItemPath, null)) };
            yield return new object[] { (Func<Exception>)(() => new BasetenApiException(404, "Not Found", "gone", "{}", "GET", ItemPath, null)) };
            yield return new object[] { (Func<Exception>)(() => new BasetenConnectionException(new Uri("https://api.example.test"), "GET", ItemPath, new System.IO.IOException("reset"))) };
            yield return new object[] { (Func<Exception>)(() => new BasetenTimeoutException(TimeSpan.FromSeconds(1), "GET", ItemPath, null)) };
            yield return new object[] { (Func<Exception>)(() => new BasetenResponseException("the body is empty.", 200, "", "GET", ItemPath)) };
        }

        [Theory]
        [MemberData(nameof(ReadBackFailures))]
        public async Task WhenTheReadBackFailsTheOriginalFailureIsThrown(Func<Exception> readBackFailure)
        {
            var server = new ScriptedServer(ScriptedServer.Status(502, "{\"error\": \"original\"}"), ScriptedServer.Ok(Staging));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.Fails(readBackFailure));
            var log = new ListLog();

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Post(server, Fast(3), readBack.Delegate, log));

            Assert.Equal(502, error.StatusCode);
            Assert.Equal("original", error.ApiMessage);
            Assert.Single(server.Seen);
            Assert.Equal(1, readBack.Calls);
            Assert.Contains(log.VerboseLines, l => l.StartsWith("Reading back failed too", StringComparison.Ordinal));
        }

        [Fact]
        public async Task WhenTheReadBackFailsAfterAConnectionResetTheResetIsThrown()
        {
            var server = new ScriptedServer(ScriptedServer.Throw(ScriptedServer.ConnectionReset), ScriptedServer.Ok(Staging));
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.Fails(
                () => new BasetenApiException(503, "Service Unavailable", "down", "{}", "GET", ItemPath, null)));

            var error = await Assert.ThrowsAsync<BasetenConnectionException>(() => Post(server, Fast(3), readBack.Delegate));

            Assert.Equal("POST", error.Method);
            Assert.Single(server.Seen);
        }

        [Fact]
        public async Task WhenTheReadBackAfterAConflictFailsTheConflictIsThrown()
        {
            var server = new ScriptedServer(ScriptedServer.Status(504, "{}"), ScriptedServer.Status(409, "{\"error\": \"exists\"}"));
            var readBack = new ScriptedReadBack<EnvironmentV1>(
                ScriptedReadBack<EnvironmentV1>.NotFound(),
                ScriptedReadBack<EnvironmentV1>.Fails(() => new BasetenApiException(500, "Internal Server Error", "boom", "{}", "GET", ItemPath, null)));

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Post(server, Fast(3), readBack.Delegate));

            Assert.Equal(409, error.StatusCode);
            Assert.Equal(2, server.Seen.Count);
        }

        // ---- cancellation ----------------------------------------------------------------------------------------------

        [Fact]
        public async Task CancellingDuringARetryWaitStopsPromptly()
        {
            var server = new ScriptedServer(ScriptedServer.RateLimited(30), ScriptedServer.Ok(Staging));
            var log = new ListLog();
            using var cancel = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();

            var call = Get(server, Fast(3, TimeSpan.FromSeconds(60)), log, cancel.Token);
            await Task.Delay(100);
            cancel.Cancel();
            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed} to stop a 30 s wait");
            Assert.IsNotType<BasetenTimeoutException>(error);
            Assert.Single(server.Seen);
            // It really was waiting the asked 30 s when it was cancelled.
            var retry = Assert.Single(RetryLines(log));
            Assert.Equal("30.0", retry.Groups["wait"].Value);
        }

        [Fact]
        public async Task CancellingARequestInFlightStopsPromptlyAndIsNotRetried()
        {
            var server = new ScriptedServer(ScriptedServer.Hang(), ScriptedServer.Ok(Staging));
            var log = new ListLog();
            using var cancel = new CancellationTokenSource();
            var clock = Stopwatch.StartNew();

            var call = Get(server, Fast(3), log, cancel.Token);
            await Task.Delay(100);
            cancel.Cancel();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
            Assert.Single(server.Seen);
            Assert.Empty(RetryLines(log));
            Assert.Contains(log.VerboseLines, l => l.Contains("cancelled"));
        }

        [Fact]
        public async Task AnAlreadyCancelledCallIsNotRetried()
        {
            var server = new ScriptedServer(ScriptedServer.Hang());
            var log = new ListLog();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Get(server, Fast(3), log, new CancellationToken(true)));

            // HttpClient hands even a cancelled request to its handler (a real socket handler then sends nothing).
            Assert.InRange(server.Seen.Count, 0, 1);
            Assert.Empty(RetryLines(log));
        }

        [Fact]
        public async Task CancellingDuringAReadBackStopsTheCreate()
        {
            using var cancel = new CancellationTokenSource();
            var server = new ScriptedServer(ScriptedServer.Status(502, "{}"), ScriptedServer.Ok(Staging));
            ReadBack<EnvironmentV1> readBack = async token =>
            {
                cancel.Cancel();
                await Task.Delay(Timeout.Infinite, token);
                return null;
            };

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Post(server, Fast(3), readBack, token: cancel.Token));

            Assert.Single(server.Seen);
        }

        // ---- the log -----------------------------------------------------------------------------------------------

        [Fact]
        public async Task EachRetryWritesOneLineNamingTheStatusAndTheWait()
        {
            var server = new ScriptedServer(
                ScriptedServer.RateLimited(0.01),
                ScriptedServer.Status(503, "{\"error\": \"busy\"}"),
                ScriptedServer.Status(502, "<html><title>502 Bad Gateway</title></html>", "0"),
                ScriptedServer.Ok(Staging));
            var log = new ListLog();

            await Get(server, Fast(3), log);

            var retries = RetryLines(log);
            Assert.Equal(3, retries.Count);
            Assert.Equal("Retry 1 of 3 for GET /" + ItemPath + " after 429 Too Many Requests: waiting 0.0 s as the API asked.", retries[0].Value);
            Assert.Matches(@"^Retry 2 of 3 for GET /\S+ after 503 Service Unavailable: waiting 0\.0 s\.$", retries[1].Value);
            Assert.Equal("Retry 3 of 3 for GET /" + ItemPath + " after 502 Bad Gateway: waiting 0.0 s as the API asked.", retries[2].Value);
            // Each attempt also has its own request line.
            Assert.Equal(4, log.VerboseLines.Count(l => l.StartsWith("HTTP GET /" + ItemPath, StringComparison.Ordinal)));
        }

        [Fact]
        public async Task TheApiKeyIsInNoLineAndInNoError()
        {
            // The server echoes the key in its error bodies: it must still not reach the log or the exception.
            var echo = "{\"error\": \"Rate limit exceeded for key " + Key + "\", \"retry_after\": 0.01, \"api_key\": \"" + Key + "\"}";
            var server = new ScriptedServer(
                ScriptedServer.Status(429, echo),
                ScriptedServer.Status(502, "{\"error\": \"bad gateway for " + Key + "\"}"),
                ScriptedServer.Throw(ScriptedServer.ConnectionReset),
                ScriptedServer.Status(503, "<html><title>503 " + Key + "</title></html>"));
            var log = new ListLog(debug: true);
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.NotFound());

            var error = await Assert.ThrowsAnyAsync<BasetenException>(() => Post(server, Fast(3), readBack.Delegate, log));

            Assert.Equal(4, server.Seen.Count);
            Assert.Equal("Api-Key " + Key, server.Seen[0].Authorization);
            Assert.NotEmpty(log.DebugLines);
            Assert.Equal(3, RetryLines(log).Count);
            Assert.All(log.AllLines, line => Assert.DoesNotContain(Secret, line));
            Assert.DoesNotContain(Secret, error.ToString());
            Assert.DoesNotContain(Secret, ((BasetenApiException)error).ResponseBody);
        }
    }
}
