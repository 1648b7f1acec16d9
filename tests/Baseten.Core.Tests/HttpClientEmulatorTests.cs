using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Baseten.Emulator;
using Xunit;

namespace Baseten.Core.Tests
{
    /// <summary>The HTTP core over real sockets, against the emulator.</summary>
    public sealed class HttpClientEmulatorTests : IDisposable
    {
        private const string Agent = "Baseten.PowerShell/0.1.0 xunit/2.9.3";

        private readonly BasetenEmulator _emulator = BasetenEmulator.Start();
        private readonly EmulatedModel _model;
        private readonly BasetenHttpClient _client = new BasetenHttpClient(Agent);

        public HttpClientEmulatorTests()
        {
            _model = _emulator.AddModel("my-llm");
        }

        public void Dispose()
        {
            _client.Dispose();
            _emulator.Dispose();
        }

        // No retries: these tests look at how one answer is read; RetryTests cover retrying.
        private BasetenConnection Connection(string key = null, TimeSpan? timeout = null) =>
            new BasetenConnection(_emulator.BaseUri, key ?? _emulator.ApiKey, timeout ?? TimeSpan.FromSeconds(30), RetryPolicy.None, null);

        private string EnvironmentsPath => ApiPath.Build("v1", "models", _model.Id, "environments");

        private Task<EnvironmentV1> Create(CreateEnvironmentRequestV1 request, IHttpLog log = null, BasetenConnection connection = null,
            CancellationToken token = default) =>
            _client.SendAsync<EnvironmentV1>(connection ?? Connection(), HttpMethod.Post, EnvironmentsPath, request, log, token);

        [Fact]
        public async Task SendsApiKeySchemeUserAgentJsonContentTypeAndBody()
        {
            var request = new CreateEnvironmentRequestV1
            {
                Name = "staging",
                AutoscalingSettings = new UpdateAutoscalingSettingsV1 { MaxReplica = 2, TargetUtilizationPercentage = null },
            };

            var environment = await Create(request);

            Assert.Equal("staging", environment.Name);
            Assert.Equal(2, environment.AutoscalingSettings.MaxReplica);
            var recorded = Assert.Single(_emulator.Requests);
            Assert.Equal("POST", recorded.Method);
            Assert.Equal("/" + EnvironmentsPath, recorded.Path);
            Assert.Equal("Api-Key", recorded.AuthorizationScheme);
            Assert.Equal(Agent, recorded.UserAgent);
            Assert.StartsWith("application/json", recorded.ContentType);
            JsonAssert.DeepEqual("""{"name": "staging", "autoscaling_settings": {"max_replica": 2, "target_utilization_percentage": null}}""", recorded.Body);
            Assert.Equal(200, recorded.StatusCode);
        }

        [Fact]
        public async Task DocumentedExampleIsAcceptedByTheEmulatorAndReadBack()
        {
            var request = SettingsConverterRoundTrip();

            var environment = await Create(request);

            Assert.Equal("staging", environment.Name);
            Assert.Equal(_model.Id, environment.ModelId);
            Assert.Equal(800, environment.AutoscalingSettings.AutoscalingWindow);
            Assert.Equal(3, environment.AutoscalingSettings.ConcurrencyTarget);
            Assert.Equal(60, environment.AutoscalingSettings.ScaleDownDelay);
            Assert.Equal(600, environment.PromotionSettings.RampUpDurationSeconds);
            Assert.True(environment.PromotionSettings.RollingDeploy);
            JsonAssert.DeepEqual(DocumentedExamples.CreateRequest, _emulator.Requests.Single().Body);
        }

        private static CreateEnvironmentRequestV1 SettingsConverterRoundTrip() =>
            System.Text.Json.JsonSerializer.Deserialize<CreateEnvironmentRequestV1>(DocumentedExamples.CreateRequest, Baseten.Core.Json.BasetenJson.Options);

        [Fact]
        public async Task WrongKeyIs401WithTheEmulatorsMessage()
        {
            var error = await Assert.ThrowsAsync<BasetenApiException>(() =>
                Create(new CreateEnvironmentRequestV1 { Name = "x" }, connection: Connection("not-the-key-0000000000")));

            Assert.Equal(401, error.StatusCode);
            Assert.Equal("Invalid API key.", error.ApiMessage);
            Assert.DoesNotContain("not-the-key", error.Message);
        }

        [Theory]
        [InlineData(404, "{\"error\": \"Model gone\"}", "Model gone")]
        [InlineData(409, "{\"error\": \"Environment 'x' already exists\"}", "Environment 'x' already exists")]
        [InlineData(422, "{\"detail\": [{\"loc\": [\"body\", \"autoscaling_settings\", \"max_replica\"], \"msg\": \"Input should be a valid integer\", \"type\": \"int_parsing\"}]}", "autoscaling_settings.max_replica: Input should be a valid integer")]
        [InlineData(429, null, "Rate limit exceeded. Please try again later.")]
        [InlineData(500, null, "Internal Server Error")]
        [InlineData(503, "<html>upstream down</html>", "HTML error page: upstream down")]
        public async Task InjectedErrorStatusesBecomeApiExceptions(int status, string body, string message)
        {
            _emulator.InjectFault("POST", "/v1/models/*/environments", status, body, 1);

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Create(new CreateEnvironmentRequestV1 { Name = "x" }));

            Assert.Equal(status, error.StatusCode);
            Assert.Equal(message, error.ApiMessage);
            Assert.Equal(EnvironmentsPath, error.Path);
        }

        [Fact]
        public async Task EmulatorValidationErrorIsReadableFromTheFastApiList()
        {
            // A typed request can't carry a wrong type, so send a raw dictionary the emulator must refuse.
            var body = new System.Collections.Generic.Dictionary<string, object>
            {
                ["name"] = "x",
                ["autoscaling_settings"] = new System.Collections.Generic.Dictionary<string, object> { ["max_replica"] = "lots" },
            };

            var error = await Assert.ThrowsAsync<BasetenApiException>(() =>
                _client.SendAsync<EnvironmentV1>(Connection(), HttpMethod.Post, EnvironmentsPath, body, null, CancellationToken.None));

            Assert.Equal(422, error.StatusCode);
            Assert.StartsWith("autoscaling_settings.max_replica: ", error.ApiMessage);
        }

        [Fact]
        public async Task ClosedPortIsAConnectionException()
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            listener.Stop();
            var connection = new BasetenConnection(new Uri("http://127.0.0.1:" + port), "some-key", TimeSpan.FromSeconds(30), RetryPolicy.None, null);

            var error = await Assert.ThrowsAsync<BasetenConnectionException>(() => Create(new CreateEnvironmentRequestV1 { Name = "x" }, connection: connection));

            Assert.Contains("127.0.0.1:" + port, error.Message);
            Assert.DoesNotContain("some-key", error.Message);
        }

        [Fact]
        public async Task SlowAnswerPastTheConnectionTimeoutIsATimeoutException()
        {
            _emulator.InjectFault("POST", "/v1/models/*/environments", 0, null, 1, 10_000);

            var error = await Assert.ThrowsAsync<BasetenTimeoutException>(() =>
                Create(new CreateEnvironmentRequestV1 { Name = "x" }, connection: Connection(timeout: TimeSpan.FromMilliseconds(300))));

            Assert.Equal(TimeSpan.FromMilliseconds(300), error.Timeout);
            Assert.Equal("POST", error.Method);
        }

        [Fact]
        public async Task CallerCancellationDuringASlowAnswerIsNotATimeout()
        {
            _emulator.InjectFault("POST", "/v1/models/*/environments", 0, null, 1, 10_000);
            using var cancel = new CancellationTokenSource();
            var log = new CancelOnFirstDebugLine(cancel);

            var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() =>
                Create(new CreateEnvironmentRequestV1 { Name = "x" }, log, token: cancel.Token));

            Assert.IsNotType<BasetenTimeoutException>(error);
        }

        [Fact]
        public async Task RedirectIsNotFollowedByTheDefaultHandler()
        {
            using var redirector = new RedirectServer(_emulator.BaseUri);
            var connection = new BasetenConnection(redirector.BaseUri, _emulator.ApiKey, TimeSpan.FromSeconds(30));

            var error = await Assert.ThrowsAsync<BasetenApiException>(() => Create(new CreateEnvironmentRequestV1 { Name = "x" }, connection: connection));

            Assert.Equal(302, error.StatusCode);
            Assert.Contains("redirect", error.ApiMessage);
            Assert.Contains(_emulator.BaseUri.Authority, error.ApiMessage);
            Assert.Equal(1, redirector.Count);
            Assert.Empty(_emulator.Requests); // the key never reached the other host
        }

        [Fact]
        public async Task LogHasOneVerboseLinePerRequestAndNeverTheKey()
        {
            var log = new ListLog(debug: true);
            _emulator.InjectFault("GET", "/v1/models/*/environments/*", 404, "{\"error\": \"not here, key " + _emulator.ApiKey + "\"}", 1);

            await Create(new CreateEnvironmentRequestV1 { Name = "staging" }, log);
            await Assert.ThrowsAsync<BasetenApiException>(() =>
                _client.SendAsync<EnvironmentV1>(Connection(), HttpMethod.Get, EnvironmentsPath + "/staging", null, log, CancellationToken.None));

            Assert.Equal(2, log.VerboseLines.Count);
            Assert.StartsWith("HTTP POST /" + EnvironmentsPath + " -> 200", log.VerboseLines[0]);
            Assert.StartsWith("HTTP GET /" + EnvironmentsPath + "/staging -> 404", log.VerboseLines[1]);
            var lines = log.AllLines.ToList();
            Assert.All(lines, line => Assert.DoesNotContain(_emulator.ApiKey, line));
            Assert.Contains(lines, line => line.Contains("<redacted>"));
        }

        /// <summary>Cancels the caller's token once the request is about to go out (the debug line is written just before sending).</summary>
        private sealed class CancelOnFirstDebugLine : IHttpLog
        {
            private readonly CancellationTokenSource _cancel;
            public CancelOnFirstDebugLine(CancellationTokenSource cancel) { _cancel = cancel; }
            public bool IsDebugEnabled => true;
            public void Verbose(string message) { }
            public void Debug(string message)
            {
                if (message.StartsWith("HTTP request:")) _cancel.CancelAfter(200);
            }
        }

        /// <summary>A loopback server that answers every request with 302 to another base URI.</summary>
        private sealed class RedirectServer : IDisposable
        {
            private readonly HttpListener _listener = new HttpListener();
            private int _count;

            public RedirectServer(Uri target)
            {
                var listener = new TcpListener(IPAddress.Loopback, 0);
                listener.Start();
                var port = ((IPEndPoint)listener.LocalEndpoint).Port;
                listener.Stop();
                BaseUri = new Uri("http://127.0.0.1:" + port + "/");
                _listener.Prefixes.Add(BaseUri.AbsoluteUri);
                _listener.Start();
                _ = Task.Run(async () =>
                {
                    while (_listener.IsListening)
                    {
                        HttpListenerContext context;
                        try { context = await _listener.GetContextAsync(); }
                        catch (Exception) { return; }
                        Interlocked.Increment(ref _count);
                        context.Response.StatusCode = 302;
                        context.Response.RedirectLocation = new Uri(target, context.Request.Url.AbsolutePath.TrimStart('/')).AbsoluteUri;
                        context.Response.Close();
                    }
                });
            }

            public Uri BaseUri { get; }
            public int Count => Volatile.Read(ref _count);

            public void Dispose()
            {
                try { _listener.Stop(); _listener.Close(); } catch (Exception) { }
            }
        }
    }
}
