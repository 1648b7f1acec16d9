using System;
using System.Linq;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Baseten.Emulator;
using Xunit;

namespace Baseten.Core.Tests
{
    /// <summary>The environment operations end to end against the emulator.</summary>
    public sealed class EnvironmentsApiTests : IDisposable
    {
        private readonly BasetenEmulator _emulator = BasetenEmulator.Start();
        private readonly BasetenHttpClient _client = new BasetenHttpClient("Baseten.PowerShell/0.1.0 xunit");
        private readonly EmulatedModel _model;
        private readonly BasetenApi _api;

        public EnvironmentsApiTests()
        {
            _model = _emulator.AddModel("my-llm");
            _api = new BasetenApi(_client, new BasetenConnection(_emulator.BaseUri, _emulator.ApiKey, TimeSpan.FromSeconds(30)), null, CancellationToken.None);
        }

        public void Dispose()
        {
            _client.Dispose();
            _emulator.Dispose();
        }

        [Fact]
        public async Task CreateThenListThenGet()
        {
            var created = await _api.Environments.CreateAsync(_model.Id, new CreateEnvironmentRequestV1
            {
                Name = "staging",
                AutoscalingSettings = new UpdateAutoscalingSettingsV1 { MinReplica = 1, MaxReplica = 3 },
                RequestBackpressureSettings = new UpdateRequestBackpressureSettingsV1 { Policy = new RequestBackpressurePolicyV1("queue_on_full") },
            });
            var list = await _api.Environments.ListAsync(_model.Id);
            var read = await _api.Environments.GetAsync(_model.Id, "staging");

            Assert.Equal("staging", created.Name);
            Assert.Equal(_model.Id, created.ModelId);
            Assert.True(created.CreatedAt > DateTimeOffset.UtcNow.AddDays(-1));
            Assert.Equal(3, created.AutoscalingSettings.MaxReplica);
            Assert.Equal("QUEUE_ON_FULL", created.RequestBackpressureSettings.Policy.Value);
            Assert.Equal(new[] { "production", "staging" }, list.Select(e => e.Name).OrderBy(n => n));
            Assert.Equal("staging", read.Name);
            Assert.Equal(1, read.AutoscalingSettings.MinReplica);
            Assert.Equal(3, read.AutoscalingSettings.MaxReplica);
            Assert.Equal(created.CreatedAt, read.CreatedAt);

            Assert.Equal(new[] { "POST", "GET", "GET" }, _emulator.Requests.Select(r => r.Method));
            Assert.All(_emulator.Requests, r => Assert.Equal("Api-Key", r.AuthorizationScheme));
        }

        [Fact]
        public async Task ProductionIsListedAndReadable()
        {
            var production = await _api.Environments.GetAsync(_model.Id, "production");

            Assert.Equal("production", production.Name);
            Assert.NotNull(production.CurrentDeployment);
            Assert.Equal(_model.ProductionDeploymentId, production.CurrentDeployment.Id);
            Assert.True(production.CurrentDeployment.Status.Equals("active"));
        }

        [Fact]
        public async Task CreatingADuplicateIs409()
        {
            await _api.Environments.CreateAsync(_model.Id, new CreateEnvironmentRequestV1 { Name = "staging" });

            var error = await Assert.ThrowsAsync<BasetenApiException>(() =>
                _api.Environments.CreateAsync(_model.Id, new CreateEnvironmentRequestV1 { Name = "staging" }));

            Assert.Equal(409, error.StatusCode);
            Assert.Contains("already exists", error.ApiMessage);
            Assert.Equal("POST", error.Method);
        }

        [Fact]
        public async Task MissingModelIs404OnCreateListAndGet()
        {
            var create = await Assert.ThrowsAsync<BasetenApiException>(() =>
                _api.Environments.CreateAsync("nosuchmodel", new CreateEnvironmentRequestV1 { Name = "staging" }));
            var list = await Assert.ThrowsAsync<BasetenApiException>(() => _api.Environments.ListAsync("nosuchmodel"));
            var get = await Assert.ThrowsAsync<BasetenApiException>(() => _api.Environments.GetAsync("nosuchmodel", "staging"));

            foreach (var error in new[] { create, list, get })
            {
                Assert.Equal(404, error.StatusCode);
                Assert.Contains("nosuchmodel", error.ApiMessage);
            }
        }

        [Fact]
        public async Task MissingEnvironmentIs404()
        {
            var error = await Assert.ThrowsAsync<BasetenApiException>(() => _api.Environments.GetAsync(_model.Id, "nope"));

            Assert.Equal(404, error.StatusCode);
            Assert.Contains("nope", error.ApiMessage);
        }

        [Fact]
        public async Task CreatingProductionIsRefusedByTheApi()
        {
            var error = await Assert.ThrowsAsync<BasetenApiException>(() =>
                _api.Environments.CreateAsync(_model.Id, new CreateEnvironmentRequestV1 { Name = "production" }));

            Assert.Equal(400, error.StatusCode);
            Assert.Contains("reserved", error.ApiMessage);
        }

        [Fact]
        public async Task EmptyNameIsRefusedBeforeSending()
        {
            await Assert.ThrowsAsync<ArgumentException>(() => _api.Environments.CreateAsync(_model.Id, new CreateEnvironmentRequestV1 { Name = " " }));
            await Assert.ThrowsAsync<ArgumentNullException>(() => _api.Environments.CreateAsync(_model.Id, null));
            await Assert.ThrowsAsync<ArgumentException>(() => _api.Environments.GetAsync(_model.Id, ""));

            Assert.Empty(_emulator.Requests);
        }

        [Fact]
        public async Task ListWithoutTheEnvironmentsArrayIsAResponseException()
        {
            _emulator.InjectFault("GET", "/v1/models/*/environments", 200, "{\"items\": []}", 1);

            var error = await Assert.ThrowsAsync<BasetenResponseException>(() => _api.Environments.ListAsync(_model.Id));

            Assert.Contains("it lacks environments", error.Message);
        }

        [Fact]
        public async Task GetAnsweredWithTheWrongShapeIsAResponseException()
        {
            await _api.Environments.CreateAsync(_model.Id, new CreateEnvironmentRequestV1 { Name = "shape" });
            _emulator.InjectFault("GET", "/v1/models/*/environments/shape", 200, "{\"unexpected\": true}", 1);

            var error = await Assert.ThrowsAsync<BasetenResponseException>(() => _api.Environments.GetAsync(_model.Id, "shape"));

            Assert.Contains("is not the expected EnvironmentV1: it lacks name, model_id, created_at", error.Message);
        }

        [Fact]
        public async Task ListWithAnItemOfTheWrongShapeIsAResponseException()
        {
            _emulator.InjectFault("GET", "/v1/models/*/environments", 200, "{\"environments\": [{\"name\": \"a\"}]}", 1);

            var error = await Assert.ThrowsAsync<BasetenResponseException>(() => _api.Environments.ListAsync(_model.Id));

            Assert.Contains("environments[0].model_id", error.Message);
        }

        [Fact]
        public async Task ExplicitNullBackpressurePolicyClearsIt()
        {
            await _api.Environments.CreateAsync(_model.Id, new CreateEnvironmentRequestV1
            {
                Name = "a",
                RequestBackpressureSettings = new UpdateRequestBackpressureSettingsV1 { Policy = new RequestBackpressurePolicyV1("REJECT_ON_FULL") },
            });
            var cleared = await _api.Environments.CreateAsync(_model.Id, new CreateEnvironmentRequestV1
            {
                Name = "b",
                RequestBackpressureSettings = new UpdateRequestBackpressureSettingsV1 { Policy = null },
            });

            Assert.Null(cleared.RequestBackpressureSettings.Policy);
            JsonAssert.DeepEqual("""{"name": "b", "request_backpressure_settings": {"policy": null}}""", _emulator.Requests.Last().Body);
        }
    }
}
