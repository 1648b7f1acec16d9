using System;
using System.IO;
using System.Net.Http;
using System.Net.Sockets;
using Baseten.Core.Http;
using Xunit;

namespace Baseten.Core.Tests.Resilience
{
    /// <summary>Which failures may be retried, and whether the failed request could have taken effect.</summary>
    public class FailureClassifierTests
    {
        private static readonly Uri Host = new Uri("https://api.example.test/");

        private static BasetenApiException Api(int status, TimeSpan? retryAfter = null) =>
            new BasetenApiException(status, "Reason", "message", "{}", "POST", "v1/models/m1/environments", null, retryAfter);

        private static BasetenConnectionException Connection(Exception inner) =>
            new BasetenConnectionException(Host, "POST", "v1/models/m1/environments", inner);

        private static Exception Socket(SocketError error) => new SocketException((int)error);

        [Theory]
        [InlineData(400)]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(404)]
        [InlineData(405)]
        [InlineData(409)]
        [InlineData(410)]
        [InlineData(413)]
        [InlineData(418)]
        [InlineData(422)]
        [InlineData(500)]
        [InlineData(501)]
        [InlineData(505)]
        [InlineData(599)]
        [InlineData(301)]
        [InlineData(302)]
        [InlineData(200)]
        [InlineData(0)]
        [InlineData(-1)]
        public void FinalStatusesArePermanent(int status)
        {
            Assert.Equal(FailureKind.Permanent, FailureClassifier.ForStatus(status));
            Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(Api(status)));
        }

        [Theory]
        [InlineData(408)]
        [InlineData(429)]
        [InlineData(503)]
        public void RefusalsBeforeHandlingDidNotApply(int status)
        {
            Assert.Equal(FailureKind.NotApplied, FailureClassifier.ForStatus(status));
            Assert.Equal(FailureKind.NotApplied, FailureClassifier.Classify(Api(status)));
        }

        [Theory]
        [InlineData(502)]
        [InlineData(504)]
        public void GatewayFailuresMayHaveApplied(int status)
        {
            Assert.Equal(FailureKind.Unknown, FailureClassifier.ForStatus(status));
            Assert.Equal(FailureKind.Unknown, FailureClassifier.Classify(Api(status)));
        }

        [Fact]
        public void ARetryAfterDoesNotMakeAFinalStatusTransient()
        {
            Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(Api(400, TimeSpan.FromSeconds(1))));
            Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(Api(500, TimeSpan.FromSeconds(1))));
        }

        [Theory]
        [InlineData(SocketError.ConnectionRefused)]
        [InlineData(SocketError.HostNotFound)]
        [InlineData(SocketError.TryAgain)]
        [InlineData(SocketError.NoData)]
        [InlineData(SocketError.NetworkUnreachable)]
        [InlineData(SocketError.HostUnreachable)]
        [InlineData(SocketError.AddressNotAvailable)]
        public void AConnectionNeverMadeDidNotApply(SocketError error)
        {
            // As SocketsHttpHandler reports it: HttpRequestException over the SocketException.
            Assert.Equal(FailureKind.NotApplied, FailureClassifier.Classify(Connection(new HttpRequestException("connect failed", Socket(error)))));
        }

        [Theory]
        [InlineData(SocketError.ConnectionRefused)]
        [InlineData(SocketError.HostNotFound)]
        public void TheSocketErrorIsFoundAtAnyDepth(SocketError error)
        {
            var deep = new HttpRequestException("outer", new IOException("middle", new AggregateException("inner", Socket(error))));
            var direct = Socket(error);

            // AggregateException's InnerException is its first inner exception.
            Assert.Equal(FailureKind.NotApplied, FailureClassifier.Classify(Connection(deep)));
            Assert.Equal(FailureKind.NotApplied, FailureClassifier.Classify(new BasetenConnectionException(Host, "GET", "v1/x", direct)));
        }

        [Theory]
        [InlineData(SocketError.ConnectionReset)]
        [InlineData(SocketError.ConnectionAborted)]
        [InlineData(SocketError.Shutdown)]
        [InlineData(SocketError.TimedOut)]
        [InlineData(SocketError.SocketError)]
        public void AConnectionLostAfterSendingMayHaveApplied(SocketError error)
        {
            Assert.Equal(FailureKind.Unknown, FailureClassifier.Classify(Connection(new HttpRequestException("send failed", new IOException("reset", Socket(error))))));
            Assert.Equal(FailureKind.Unknown, FailureClassifier.Classify(Connection(new IOException("reset", Socket(error)))));
        }

        [Fact]
        public void AConnectionFailureWithoutASocketErrorMayHaveApplied()
        {
            Assert.Equal(FailureKind.Unknown, FailureClassifier.Classify(Connection(new HttpRequestException("The response ended prematurely."))));
            Assert.Equal(FailureKind.Unknown, FailureClassifier.Classify(Connection(new IOException("The connection closed after 10 of 20 bytes of the answer."))));
            Assert.Equal(FailureKind.Unknown, FailureClassifier.Classify(Connection(new HttpRequestException("TLS", new System.Security.Authentication.AuthenticationException("bad cert")))));
        }

        [Fact]
        public void TimeoutsArePermanent()
        {
            var timeout = new BasetenTimeoutException(TimeSpan.FromSeconds(1), "POST", "v1/models/m1/environments", new OperationCanceledException());

            Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(timeout));
        }

        [Fact]
        public void UnreadableAnswersArePermanent()
        {
            var unreadable = new BasetenResponseException("the body is empty.", 200, string.Empty, "GET", "v1/models/m1/environments");

            Assert.Equal(FailureKind.Permanent, FailureClassifier.Classify(unreadable));
        }
    }
}
