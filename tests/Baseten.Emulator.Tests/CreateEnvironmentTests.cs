using System.Net.Http.Json;
using System.Text.Json;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    public class CreateEnvironmentTests
    {
        // The request body documented on Baseten's "Create environment" page, verbatim.
        private const string DocumentedExample = @"{
            ""name"": ""staging"",
            ""autoscaling_settings"": {
              ""autoscaling_window"": 800,
              ""concurrency_target"": 3,
              ""max_replica"": 2,
              ""min_replica"": 1,
              ""scale_down_delay"": 60,
              ""target_utilization_percentage"": null
            },
            ""promotion_settings"": {
              ""ramp_up_duration_seconds"": 600,
              ""ramp_up_while_promoting"": true,
              ""redeploy_on_promotion"": true,
              ""rolling_deploy"": true
            }
          }";

        [Fact]
        public async Task DocumentedExampleIsAcceptedAndAnsweredWithAnEnvironment()
        {
            using var fx = new EmulatorFixture();

            var (status, env) = await fx.CreateEnvironmentAsync(DocumentedExample);

            Assert.Equal(200, status);
            Json.HasProperties(env, "name", "created_at", "model_id", "current_deployment", "candidate_deployment",
                "in_progress_promotion", "autoscaling_settings", "promotion_settings", "instance_type",
                "request_backpressure_settings", "autoscaling_schedules");
            Assert.Equal("staging", env.GetProperty("name").GetString());
            Assert.Equal(fx.Model.Id, env.GetProperty("model_id").GetString());
            Assert.EndsWith("Z", env.GetProperty("created_at").GetString());
            Assert.True(env.GetProperty("created_at").TryGetDateTimeOffset(out _));
            Assert.Equal(JsonValueKind.Null, env.GetProperty("current_deployment").ValueKind);

            var autoscaling = env.GetProperty("autoscaling_settings");
            Assert.Equal(800, autoscaling.GetProperty("autoscaling_window").GetInt32());
            Assert.Equal(3, autoscaling.GetProperty("concurrency_target").GetInt32());
            Assert.Equal(2, autoscaling.GetProperty("max_replica").GetInt32());
            Assert.Equal(1, autoscaling.GetProperty("min_replica").GetInt32());
            Assert.Equal(60, autoscaling.GetProperty("scale_down_delay").GetInt32());
            // null means "not given": the default stays.
            Assert.Equal(70, autoscaling.GetProperty("target_utilization_percentage").GetInt32());
            Assert.Equal(JsonValueKind.Null, autoscaling.GetProperty("target_in_flight_tokens").ValueKind);
            Assert.Equal(JsonValueKind.Null, autoscaling.GetProperty("max_scale_down_rate").ValueKind);

            var promotion = env.GetProperty("promotion_settings");
            Assert.Equal(600, promotion.GetProperty("ramp_up_duration_seconds").GetInt32());
            Assert.True(promotion.GetProperty("ramp_up_while_promoting").GetBoolean());
            Assert.True(promotion.GetProperty("redeploy_on_promotion").GetBoolean());
            Assert.True(promotion.GetProperty("rolling_deploy").GetBoolean());
            Assert.Equal("SCALE_TO_ZERO", promotion.GetProperty("promotion_cleanup_strategy").GetString());

            Json.HasProperties(env.GetProperty("instance_type"),
                "id", "name", "memory_limit_mib", "millicpu_limit", "gpu_count", "gpu_type", "gpu_memory_limit_mib");
            Assert.Equal(JsonValueKind.Null, Json.At(env, "request_backpressure_settings", "policy").ValueKind);
        }

        [Fact]
        public async Task NameAloneGetsTheDocumentedDefaults()
        {
            using var fx = new EmulatorFixture();

            var (status, env) = await fx.CreateEnvironmentAsync(@"{""name"": ""dev""}");

            Assert.Equal(200, status);
            var a = env.GetProperty("autoscaling_settings");
            Assert.Equal(0, a.GetProperty("min_replica").GetInt32());
            Assert.Equal(1, a.GetProperty("max_replica").GetInt32());
            Assert.Equal(60, a.GetProperty("autoscaling_window").GetInt32());
            Assert.Equal(900, a.GetProperty("scale_down_delay").GetInt32());
            Assert.Equal(1, a.GetProperty("concurrency_target").GetInt32());
            Assert.Equal(70, a.GetProperty("target_utilization_percentage").GetInt32());
            var p = env.GetProperty("promotion_settings");
            Assert.False(p.GetProperty("redeploy_on_promotion").GetBoolean());
            Assert.False(p.GetProperty("rolling_deploy").GetBoolean());
            Assert.False(p.GetProperty("ramp_up_while_promoting").GetBoolean());
            Assert.Equal(600, p.GetProperty("ramp_up_duration_seconds").GetInt32());
            Assert.Equal(JsonValueKind.Null, p.GetProperty("rolling_deploy_config").ValueKind);
            Assert.Equal(JsonValueKind.Null, env.GetProperty("autoscaling_schedules").ValueKind);
        }

        [Fact]
        public async Task NewerFieldsAreAcceptedAndReflected()
        {
            using var fx = new EmulatorFixture();

            var (status, env) = await fx.CreateEnvironmentAsync(@"{
                ""name"": ""canary"",
                ""autoscaling_settings"": {""max_scale_down_rate"": 50, ""target_in_flight_tokens"": 4000},
                ""promotion_settings"": {""promotion_cleanup_strategy"": ""KEEP"", ""rolling_deploy_config"": {""max_surge_percent"": 50}},
                ""request_backpressure_settings"": {""policy"": ""REJECT_ON_FULL""}
            }");

            Assert.Equal(200, status);
            Assert.Equal(50, Json.At(env, "autoscaling_settings", "max_scale_down_rate").GetInt32());
            Assert.Equal(4000, Json.At(env, "autoscaling_settings", "target_in_flight_tokens").GetInt32());
            Assert.Equal("KEEP", Json.At(env, "promotion_settings", "promotion_cleanup_strategy").GetString());
            // A nested object given while null starts from RollingDeployConfigV1's defaults.
            var rolling = Json.At(env, "promotion_settings", "rolling_deploy_config");
            Assert.Equal(50, rolling.GetProperty("max_surge_percent").GetInt32());
            Assert.Equal("REPLICA", rolling.GetProperty("rolling_deploy_strategy").GetString());
            Assert.Equal(0, rolling.GetProperty("max_unavailable_percent").GetInt32());
            Assert.Equal("REJECT_ON_FULL", Json.At(env, "request_backpressure_settings", "policy").GetString());
        }

        [Fact]
        public async Task ChunkedBodyFromPostAsJsonAsyncIsRead()
        {
            using var fx = new EmulatorFixture();

            // PostAsJsonAsync streams the body with chunked transfer encoding.
            using var response = await fx.Client.PostAsJsonAsync(fx.EnvironmentsPath,
                new { name = "chunked", autoscaling_settings = new { max_replica = 5 } });

            Assert.Equal(200, (int)response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal("chunked", doc.RootElement.GetProperty("name").GetString());
            Assert.Equal(5, Json.At(doc.RootElement, "autoscaling_settings", "max_replica").GetInt32());
            Assert.Equal("application/json", response.Content.Headers.ContentType.MediaType);
        }

        [Fact]
        public async Task DuplicateNameIsAConflict()
        {
            using var fx = new EmulatorFixture();
            Assert.Equal(200, (await fx.CreateEnvironmentAsync(@"{""name"": ""staging""}")).Status);

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""staging""}");

            Assert.Equal(409, status);
            Assert.Equal("Environment 'staging' already exists for model " + fx.Model.Id, body.GetProperty("error").GetString());
        }

        [Theory]
        [InlineData("production")]
        [InlineData("Production")]
        [InlineData("PRODUCTION")]
        public async Task ProductionIsReserved(string name)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": """ + name + @"""}");

            Assert.Equal(400, status);
            Assert.Contains("reserved", body.GetProperty("error").GetString());
        }

        [Fact]
        public async Task UnknownModelIsNotFound()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CallAsync("POST", "v1/models/nosuchid/environments", @"{""name"": ""staging""}");

            Assert.Equal(404, status);
            Assert.Contains("nosuchid", body.GetProperty("error").GetString());
        }

        [Fact]
        public async Task ConcurrentCreatesOfOneNameYieldExactlyOneSuccess()
        {
            using var fx = new EmulatorFixture();

            var tasks = new Task<(int Status, JsonElement Body)>[10];
            for (var i = 0; i < tasks.Length; i++)
            {
                tasks[i] = fx.CreateEnvironmentAsync(@"{""name"": ""race""}");
            }

            var results = await Task.WhenAll(tasks);

            Assert.Single(results, r => r.Status == 200);
            Assert.Equal(9, System.Linq.Enumerable.Count(results, r => r.Status == 409));
        }
    }
}
