using System;
using System.Linq;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests.Resilience
{
    /// <summary>
    /// A change must not be sent twice behind the retry loop's back either: the socket handler may resend a request
    /// whose pooled keep-alive connection died before any answer. Against a raw server that answers two GETs on one
    /// connection and then drops it when the POST arrives, the POST must reach the server exactly as often as the
    /// retry loop decides (once without a read-back).
    /// </summary>
    public class PooledConnectionTests
    {
        private const string Environment = "{\"name\": \"staging\", \"model_id\": \"m1\", \"created_at\": \"2026-08-01T10:00:00Z\"}";

        private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

        private static BasetenConnection Connection(RawHttpServer server) =>
            new BasetenConnection(server.BaseUri, "pooled-connection-key", TimeSpan.FromSeconds(5),
                new RetryPolicy(3, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(10), TimeSpan.FromSeconds(10)), null);

        private static async Task Warm(BasetenHttpClient client, BasetenConnection connection)
        {
            await client.SendAsync<EnvironmentV1>(connection, HttpMethod.Get, "v1/models/m1/environments/staging", null, null, default).WaitAsync(Patience);
            await client.SendAsync<EnvironmentV1>(connection, HttpMethod.Get, "v1/models/m1/environments/staging", null, null, default).WaitAsync(Patience);
        }

        private static Task<EnvironmentV1> Post(BasetenHttpClient client, BasetenConnection connection, ReadBack<EnvironmentV1> readBack = null) =>
            client.SendAsync(connection, HttpMethod.Post, "v1/models/m1/environments", new CreateEnvironmentRequestV1 { Name = "staging" }, readBack, null, default)
                .WaitAsync(Patience);

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task APostWhosePooledConnectionDiesIsNotResentWithoutAReadBack(bool reset)
        {
            using var server = new RawHttpServer(r => r.Method == "POST" ? RawAction.DropConnection(reset) : RawAction.Answer(200, Environment));
            using var client = new BasetenHttpClient("xunit");
            var connection = Connection(server);
            await Warm(client, connection);

            await Assert.ThrowsAsync<BasetenConnectionException>(() => Post(client, connection));

            Assert.Equal(new[] { "GET", "GET", "POST" }, server.Requests.Select(r => r.Method));
            Assert.All(server.Requests, r => Assert.Equal(1, r.Connection)); // the POST went over the reused connection
        }

        [Theory]
        [InlineData(true)]
        [InlineData(false)]
        public async Task APostWhosePooledConnectionDiesIsResentOnceAfterAReadBackFindsNothing(bool reset)
        {
            var posts = 0;
            using var server = new RawHttpServer(r =>
                r.Method == "POST" && Interlocked.Increment(ref posts) == 1 ? RawAction.DropConnection(reset) : RawAction.Answer(200, Environment));
            using var client = new BasetenHttpClient("xunit");
            var connection = Connection(server);
            await Warm(client, connection);
            var readBack = new ScriptedReadBack<EnvironmentV1>(ScriptedReadBack<EnvironmentV1>.NotFound());

            var created = await Post(client, connection, readBack.Delegate);

            Assert.Equal("staging", created.Name);
            Assert.Equal(2, server.Requests.Count(r => r.Method == "POST"));
            Assert.Equal(1, readBack.Calls);
        }

        [Fact]
        public async Task AGetWhosePooledConnectionDiesIsRetried()
        {
            var gets = 0;
            using var server = new RawHttpServer(r =>
                Interlocked.Increment(ref gets) == 3 ? RawAction.DropConnection(reset: true) : RawAction.Answer(200, Environment));
            using var client = new BasetenHttpClient("xunit");
            var connection = Connection(server);
            await Warm(client, connection);

            var read = await client.SendAsync<EnvironmentV1>(connection, HttpMethod.Get, "v1/models/m1/environments/staging", null, null, default).WaitAsync(Patience);

            Assert.Equal("staging", read.Name);
            Assert.Equal(4, server.Requests.Count);
            Assert.Equal(2, server.Connections);
        }
    }
}
