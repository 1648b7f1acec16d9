using System;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests
{
    /// <summary>How answers are read: declared lengths in one piece, short bodies and stalls as failures, never hangs.</summary>
    public class BodyReadingTests
    {
        private static readonly BasetenConnection Connection =
            new BasetenConnection(new Uri("https://api.example.test/"), "body-reading-test-key", TimeSpan.FromMilliseconds(500), RetryPolicy.None, null);

        [Fact]
        public async Task ABodyShorterThanItsDeclaredLengthIsAConnectionFailure()
        {
            var handler = new StubHandler((request, token) =>
            {
                var content = new StreamContent(new MemoryStream(System.Text.Encoding.UTF8.GetBytes("{\"name\":")));
                content.Headers.ContentLength = 400;
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
            });
            var client = new BasetenHttpClient("test-agent", handler);

            var error = await Assert.ThrowsAsync<BasetenConnectionException>(() =>
                client.SendAsync<EnvironmentV1>(Connection, HttpMethod.Get, "v1/models/m/environments/e", null, null, CancellationToken.None));

            Assert.Contains("closed after 8 of 400 bytes", error.Message);
        }

        [Fact]
        public async Task ABodyThatStallsAfterTheHeadersEndsWithTheTimeout()
        {
            var handler = new StubHandler((request, token) =>
            {
                var content = new StreamContent(new StallingStream());
                content.Headers.ContentLength = 100;
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
            });
            var client = new BasetenHttpClient("test-agent", handler);

            var error = await Assert.ThrowsAsync<BasetenTimeoutException>(() =>
                client.SendAsync<EnvironmentV1>(Connection, HttpMethod.Get, "v1/models/m/environments/e", null, null, CancellationToken.None));

            Assert.Equal(Connection.Timeout, error.Timeout);
        }

        [Fact]
        public async Task ADeclaredLengthBodyIsReadWhole()
        {
            var json = "{\"name\":\"staging\",\"model_id\":\"m\",\"created_at\":\"2023-11-07T05:31:56Z\"}";
            var client = new BasetenHttpClient("test-agent", StubHandler.Returning(HttpStatusCode.OK, json));

            var environment = await client.SendAsync<EnvironmentV1>(Connection, HttpMethod.Get, "v1/models/m/environments/staging", null, null, CancellationToken.None);

            Assert.Equal("staging", environment.Name);
            Assert.Equal("m", environment.ModelId);
        }

        /// <summary>A body that never sends a byte but honours cancellation, like a stalled connection.</summary>
        private sealed class StallingStream : Stream
        {
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => 0; set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("async only");
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override async Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
                return 0;
            }
        }
    }
}
