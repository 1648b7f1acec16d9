using System;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Json;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Xunit;

namespace Baseten.Core.Tests
{
    /// <summary>The HTTP core against an in-process HttpMessageHandler: headers, body, error mapping, limits, log.</summary>
    public class HttpClientStubTests
    {
        private const string Key = "abcd1234.StubSecretValue9876";
        private const string Agent = "Baseten.PowerShell/0.1.0 PowerShell/7.6.10";
        private const string Path = "v1/models/m1/environments";

        private static BasetenConnection Connection(TimeSpan? timeout = null) =>
            new BasetenConnection(new Uri("https://api.example.test"), Key, timeout ?? TimeSpan.FromSeconds(30), RetryPolicy.None, null);

        private static Task<EnvironmentV1> Send(BasetenHttpClient client, object body = null, IHttpLog log = null,
            CancellationToken token = default, BasetenConnection connection = null) =>
            client.SendAsync<EnvironmentV1>(connection ?? Connection(), body == null ? HttpMethod.Get : HttpMethod.Post, Path, body, log, token);

        [Fact]
        public async Task SendsTheKeyTheUserAgentAndTheJsonBody()
        {
            var handler = StubHandler.Returning(HttpStatusCode.OK, DocumentedExamples.CreateResponse);
            using var client = new BasetenHttpClient(Agent, handler);
            var request = new CreateEnvironmentRequestV1 { Name = "staging", AutoscalingSettings = new UpdateAutoscalingSettingsV1 { MaxReplica = 2 } };

            var result = await Send(client, request);

            Assert.Equal("BUILDING", result.CurrentDeployment.Status.Value);
            var seen = Assert.Single(handler.Seen);
            Assert.Equal(HttpMethod.Post, seen.Method);
            Assert.Equal("https://api.example.test/v1/models/m1/environments", seen.RequestUri.AbsoluteUri);
            Assert.Equal("Api-Key " + Key, seen.Authorization);
            Assert.Equal(Agent, seen.UserAgent);
            Assert.StartsWith("application/json", seen.ContentType);
            Assert.Contains("utf-8", seen.ContentType, StringComparison.OrdinalIgnoreCase);
            var expected = JsonSerializer.SerializeToUtf8Bytes(request, request.GetType(), BasetenJson.Options);
            Assert.Equal(expected, seen.Body);
            JsonAssert.DeepEqual("""{"name": "staging", "autoscaling_settings": {"max_replica": 2}}""", seen.BodyText);
        }

        [Fact]
        public async Task GetSendsNoBody()
        {
            var handler = StubHandler.Returning(HttpStatusCode.OK, DocumentedExamples.CreateResponse);
            using var client = new BasetenHttpClient(Agent, handler);

            await Send(client);

            var seen = Assert.Single(handler.Seen);
            Assert.Equal(HttpMethod.Get, seen.Method);
            Assert.Null(seen.Body);
            Assert.Equal("Api-Key " + Key, seen.Authorization);
        }

        [Theory]
        [InlineData(400, "{\"error\": \"Environment name 'production' is reserved\"}", "Environment name 'production' is reserved")]
        [InlineData(401, "{\"detail\": \"Invalid API key.\"}", "Invalid API key.")]
        [InlineData(403, "{\"message\": \"Forbidden for this team\"}", "Forbidden for this team")]
        [InlineData(404, "{\"error\": \"Model m1 not found\"}", "Model m1 not found")]
        [InlineData(409, "{\"error\": \"Environment 'staging' already exists\"}", "Environment 'staging' already exists")]
        [InlineData(422, "{\"detail\": [{\"loc\": [\"body\", \"autoscaling_settings\", \"max_replica\"], \"msg\": \"Input should be a valid integer\"}]}", "autoscaling_settings.max_replica: Input should be a valid integer")]
        [InlineData(429, "{\"error\": \"Rate limit exceeded. Please try again later.\", \"retry_after\": 37}", "Rate limit exceeded. Please try again later.")]
        [InlineData(500, "<html><body>Internal Server Error</body></html>", "HTML error page: Internal Server Error")]
        [InlineData(503, "", null)]
        public async Task ErrorStatusesBecomeApiExceptionsWithTheApisMessage(int status, string body, string message)
        {
            var handler = StubHandler.Returning((HttpStatusCode)status, body, body.StartsWith("<") ? "text/html" : "application/json");
            using var client = new BasetenHttpClient(Agent, handler);

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Send(client, new CreateEnvironmentRequestV1 { Name = "staging" }));

            Assert.Equal(status, error.StatusCode);
            Assert.Equal(message, error.ApiMessage);
            Assert.Equal("POST", error.Method);
            Assert.Equal(Path, error.Path);
            Assert.Contains(status.ToString(), error.Message);
            Assert.Contains("POST /" + Path, error.Message);
            if (message != null) Assert.Contains(message, error.Message);
            Assert.DoesNotContain(Key, error.Message);
        }

        [Fact]
        public async Task RequestIdHeaderIsKept()
        {
            var handler = new StubHandler((request, token) =>
            {
                var response = StubHandler.Response(HttpStatusCode.InternalServerError, "{\"error\": \"boom\"}");
                response.Headers.Add("x-request-id", "req-42");
                return Task.FromResult(response);
            });
            using var client = new BasetenHttpClient(Agent, handler);

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Send(client));

            Assert.Equal("req-42", error.RequestId);
        }

        [Fact]
        public async Task ErrorBodyEchoingTheKeyIsRedacted()
        {
            var body = "{\"error\": \"key " + Key + " is not valid\", \"api_key\": \"" + Key + "\"}";
            using var client = new BasetenHttpClient(Agent, StubHandler.Returning(HttpStatusCode.Unauthorized, body));

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Send(client));

            Assert.DoesNotContain("StubSecretValue", error.Message);
            Assert.DoesNotContain("StubSecretValue", error.ApiMessage);
            Assert.DoesNotContain("StubSecretValue", error.ResponseBody);
            Assert.Contains("is not valid", error.ApiMessage);
        }

        [Fact]
        public async Task RedirectIsNotFollowedAndBecomesAnApiExceptionNamingIt()
        {
            var handler = new StubHandler((request, token) =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.Found);
                response.Headers.Location = new Uri("https://elsewhere.example/v1/models/m1/environments");
                return Task.FromResult(response);
            });
            using var client = new BasetenHttpClient(Agent, handler);

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Send(client));

            Assert.Equal(302, error.StatusCode);
            Assert.Contains("redirect", error.ApiMessage);
            Assert.Contains("https://elsewhere.example/v1/models/m1/environments", error.ApiMessage);
            Assert.Single(handler.Seen);
        }

        [Fact]
        public void DefaultHandlerDoesNotFollowRedirects()
        {
            using var handler = (HttpClientHandler)BasetenHttpClient.CreateDefaultHandler();

            Assert.False(handler.AllowAutoRedirect);
        }

        [Fact]
        public async Task NetworkFailureBecomesAConnectionException()
        {
            var handler = new StubHandler((request, token) => throw new HttpRequestException("Connection refused (api.example.test:443)"));
            using var client = new BasetenHttpClient(Agent, handler);

            var error = await Assert.ThrowsAsync<BasetenConnectionException>(() => Send(client));

            Assert.Contains("https://api.example.test", error.Message);
            Assert.Contains("Connection refused", error.Message);
            Assert.IsType<HttpRequestException>(error.InnerException);
            Assert.Equal("GET", error.Method);
        }

        [Fact]
        public async Task ConnectionLostWhileReadingBecomesAConnectionException()
        {
            var handler = new StubHandler((request, token) =>
            {
                var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new FailingStream()) };
                return Task.FromResult(response);
            });
            using var client = new BasetenHttpClient(Agent, handler);

            await Assert.ThrowsAsync<BasetenConnectionException>(() => Send(client));
        }

        [Fact]
        public async Task TimeoutBecomesATimeoutException()
        {
            // The stub answers only when cancelled: the connection's 300 ms deadline is what ends the request.
            var handler = new StubHandler(async (request, token) =>
            {
                await Task.Delay(Timeout.Infinite, token);
                return StubHandler.Response(HttpStatusCode.OK, "{}");
            });
            using var client = new BasetenHttpClient(Agent, handler);
            var log = new ListLog();

            var error = await Assert.ThrowsAsync<BasetenTimeoutException>(() =>
                Send(client, log: log, connection: Connection(TimeSpan.FromMilliseconds(300))));

            Assert.Equal(TimeSpan.FromMilliseconds(300), error.Timeout);
            Assert.Contains("0.3 seconds", error.Message);
            Assert.Contains(log.VerboseLines, line => line.Contains("timed out"));
        }

        [Fact]
        public async Task CallerCancellationIsAnOperationCanceledExceptionNotATimeout()
        {
            using var cancel = new CancellationTokenSource();
            var handler = new StubHandler(async (request, token) =>
            {
                cancel.Cancel(); // the caller presses Ctrl+C while the request is in flight
                await Task.Delay(Timeout.Infinite, token);
                return StubHandler.Response(HttpStatusCode.OK, "{}");
            });
            using var client = new BasetenHttpClient(Agent, handler);
            var log = new ListLog();

            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Send(client, log: log, token: cancel.Token));

            Assert.IsNotType<BasetenTimeoutException>(error);
            Assert.Contains(log.VerboseLines, line => line.Contains("cancelled"));
        }

        [Fact]
        public async Task AlreadyCancelledTokenIsACancellationNotATimeout()
        {
            var handler = StubHandler.Returning(HttpStatusCode.OK, DocumentedExamples.CreateResponse);
            using var client = new BasetenHttpClient(Agent, handler);

            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Send(client, token: new CancellationToken(true)));

            Assert.IsNotType<BasetenTimeoutException>(error);
        }

        [Theory]
        [InlineData("", "empty")]
        [InlineData("<html><body>Welcome to nginx</body></html>", "not the expected EnvironmentV1")]
        [InlineData("[1, 2, 3]", "not the expected EnvironmentV1")]
        [InlineData("{\"name\": 5}", "not the expected EnvironmentV1")]
        [InlineData("{\"created_at\": \"yesterday\"}", "not the expected EnvironmentV1")]
        [InlineData("null", "JSON null")]
        [InlineData("{\"name\": \"x\"", "not the expected EnvironmentV1")]
        public async Task SuccessWithABodyOfTheWrongShapeIsAResponseException(string body, string problem)
        {
            using var client = new BasetenHttpClient(Agent, StubHandler.Returning(HttpStatusCode.OK, body));

            var error = await Assert.ThrowsAsync<BasetenResponseException>(() => Send(client));

            Assert.Equal(200, error.StatusCode);
            Assert.Contains(problem, error.Message);
            Assert.Contains("GET /" + Path, error.Message);
        }

        [Fact]
        public async Task SuccessWithNoContentIsAResponseException()
        {
            using var client = new BasetenHttpClient(Agent, new StubHandler((r, t) => Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK))));

            var error = await Assert.ThrowsAsync<BasetenResponseException>(() => Send(client));

            Assert.Contains("empty", error.Message);
        }

        [Fact]
        public async Task WrongShapeBodyInTheExceptionIsRedacted()
        {
            var body = "[{\"api_key\": \"" + Key + "\"}]";
            using var client = new BasetenHttpClient(Agent, StubHandler.Returning(HttpStatusCode.OK, body));

            var error = await Assert.ThrowsAsync<BasetenResponseException>(() => Send(client));

            Assert.DoesNotContain("StubSecretValue", error.ResponseBody);
            Assert.DoesNotContain("StubSecretValue", error.Message);
        }

        [Fact]
        public async Task ResponseDeclaredLargerThanTheLimitIsRefused()
        {
            var handler = new StubHandler((request, token) =>
            {
                var content = new ByteArrayContent(new byte[BasetenHttpClient.MaxResponseBytes + 1]);
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
            });
            using var client = new BasetenHttpClient(Agent, handler);

            var error = await Assert.ThrowsAsync<BasetenResponseException>(() => Send(client));

            Assert.Contains("larger than 16 MB", error.Message);
        }

        [Fact]
        public async Task StreamedResponseLargerThanTheLimitIsRefused()
        {
            // No Content-Length: the cap must hold while reading.
            var handler = new StubHandler((request, token) =>
            {
                var content = new StreamContent(new EndlessStream(BasetenHttpClient.MaxResponseBytes + 100_000));
                return Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = content });
            });
            using var client = new BasetenHttpClient(Agent, handler);

            var error = await Assert.ThrowsAsync<BasetenResponseException>(() => Send(client));

            Assert.Contains("larger than 16 MB", error.Message);
        }

        [Fact]
        public async Task LogGetsOneVerboseLinePerRequestWithMethodPathAndStatus()
        {
            var handler = new StubHandler((request, token) => Task.FromResult(
                request.Method == HttpMethod.Get
                    ? StubHandler.Response(HttpStatusCode.OK, DocumentedExamples.CreateResponse)
                    : StubHandler.Response(HttpStatusCode.Conflict, "{\"error\": \"exists\"}")));
            using var client = new BasetenHttpClient(Agent, handler);
            var log = new ListLog();

            await Send(client, log: log);
            await Assert.ThrowsAsync<BasetenApiException>(() => Send(client, new CreateEnvironmentRequestV1 { Name = "x" }, log));

            Assert.Equal(2, log.VerboseLines.Count);
            Assert.StartsWith("HTTP GET /" + Path + " -> 200 OK", log.VerboseLines[0]);
            Assert.StartsWith("HTTP POST /" + Path + " -> 409 Conflict", log.VerboseLines[1]);
            Assert.Empty(log.DebugLines);
        }

        [Fact]
        public async Task LogNeverGetsTheKeyEvenWithDebug()
        {
            var echo = "{\"name\": \"staging\", \"api_key\": \"" + Key + "\", \"note\": \"you sent " + Key + "\"}";
            var handler = new StubHandler((request, token) => Task.FromResult(
                request.Method == HttpMethod.Get
                    ? StubHandler.Response(HttpStatusCode.OK, DocumentedExamples.NewerResponse.Replace("\"name\": \"staging\"", "\"name\": \"" + Key + "\""))
                    : StubHandler.Response(HttpStatusCode.BadRequest, echo)));
            using var client = new BasetenHttpClient(Agent, handler);
            var log = new ListLog(debug: true);
            var body = new CreateEnvironmentRequestV1 { Name = "env-" + Key };

            await Assert.ThrowsAsync<BasetenApiException>(() => Send(client, body, log));
            await Send(client, log: log);

            var lines = log.AllLines.ToList();
            Assert.Equal(2, log.VerboseLines.Count);
            Assert.Equal(4, log.DebugLines.Count); // a request and a response line per call
            Assert.All(lines, line => Assert.DoesNotContain(Key, line));
            Assert.All(lines, line => Assert.DoesNotContain("StubSecretValue", line));
            Assert.Contains(lines, line => line.Contains("<redacted>"));
            Assert.Contains(log.DebugLines, line => line.Contains("Authorization: Api-Key <redacted>"));
            Assert.Contains(log.DebugLines, line => line.Contains("User-Agent: " + Agent));
            Assert.Contains(log.DebugLines, line => line.StartsWith("HTTP response: 400"));
        }

        [Fact]
        public async Task NoDebugLinesAreFormattedWhenDebugIsOff()
        {
            using var client = new BasetenHttpClient(Agent, StubHandler.Returning(HttpStatusCode.OK, DocumentedExamples.CreateResponse));
            var log = new ListLog(debug: false);

            await Send(client, new CreateEnvironmentRequestV1 { Name = "x" }, log);

            Assert.Single(log.VerboseLines);
            Assert.Empty(log.DebugLines);
        }

        [Fact]
        public async Task OneClientServesManyKeys()
        {
            var handler = StubHandler.Returning(HttpStatusCode.OK, DocumentedExamples.CreateResponse);
            using var client = new BasetenHttpClient(Agent, handler);

            await Send(client, connection: new BasetenConnection(new Uri("https://a.example"), "first-key", TimeSpan.FromSeconds(5)));
            await Send(client, connection: new BasetenConnection(new Uri("https://b.example"), "second-key", TimeSpan.FromSeconds(5)));

            Assert.Equal(new[] { "Api-Key first-key", "Api-Key second-key" }, handler.Seen.Select(s => s.Authorization));
            Assert.Equal(new[] { "a.example", "b.example" }, handler.Seen.Select(s => s.RequestUri.Host));
        }

        [Fact]
        public void NullUserAgentIsRefused()
        {
            Assert.Throws<ArgumentNullException>(() => new BasetenHttpClient(null));
        }

        [Fact]
        public void UserAgentNamesTheModuleAndTheHost()
        {
            var agent = UserAgent.Build("PowerShell", "7.6.10");

            Assert.Matches(@"^Baseten\.PowerShell/\d+\.\d+\.\d+ PowerShell/7\.6\.10$", agent);
            Assert.Matches(@"^Baseten\.PowerShell/\d+\.\d+\.\d+ My-Host/1-2$", UserAgent.Build("My Host", "1/2"));
            Assert.Matches(@"^Baseten\.PowerShell/\d+\.\d+\.\d+$", UserAgent.Build(null, null));
        }

        /// <summary>A non-seekable stream of 'a' bytes of a given length (no Content-Length can be computed).</summary>
        private sealed class EndlessStream : Stream
        {
            private long _left;

            public EndlessStream(long length) { _left = length; }

            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

            public override int Read(byte[] buffer, int offset, int count)
            {
                var n = (int)Math.Min(count, _left);
                buffer.AsSpan(offset, n).Fill((byte)'a');
                _left -= n;
                return n;
            }
        }

        /// <summary>A stream that fails like a dropped connection.</summary>
        private sealed class FailingStream : Stream
        {
            public override bool CanRead => true;
            public override bool CanSeek => false;
            public override bool CanWrite => false;
            public override long Length => throw new NotSupportedException();
            public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
            public override void Flush() { }
            public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
            public override void SetLength(long value) => throw new NotSupportedException();
            public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
            public override int Read(byte[] buffer, int offset, int count) => throw new IOException("The connection was reset.");
        }
    }
}
