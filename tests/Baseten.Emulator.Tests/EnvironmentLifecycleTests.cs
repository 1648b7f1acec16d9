using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    /// <summary>List, get, update and delete environments, with state carried between calls.</summary>
    public class EnvironmentLifecycleTests
    {
        [Fact]
        public async Task ListHasProductionThenCreatedEnvironmentsInOrder()
        {
            using var fx = new EmulatorFixture();
            await fx.CreateEnvironmentAsync(@"{""name"": ""staging""}");
            await fx.CreateEnvironmentAsync(@"{""name"": ""dev""}");

            var (status, body) = await fx.CallAsync("GET", fx.EnvironmentsPath);

            Assert.Equal(200, status);
            var names = body.GetProperty("environments").EnumerateArray().Select(e => e.GetProperty("name").GetString());
            Assert.Equal(new[] { "production", "staging", "dev" }, names);
        }

        [Fact]
        public async Task ProductionEnvironmentServesTheProductionDeployment()
        {
            using var fx = new EmulatorFixture();

            var (status, env) = await fx.CallAsync("GET", fx.EnvironmentsPath + "/production");

            Assert.Equal(200, status);
            var deployment = env.GetProperty("current_deployment");
            Assert.Equal(fx.Model.ProductionDeploymentId, deployment.GetProperty("id").GetString());
            Assert.True(deployment.GetProperty("is_production").GetBoolean());
            Assert.Equal("production", deployment.GetProperty("environment").GetString());
            Assert.Equal("ACTIVE", deployment.GetProperty("status").GetString());
        }

        [Fact]
        public async Task EscapedNamesAreDecodedBeforeLookup()
        {
            using var fx = new EmulatorFixture();
            Assert.Equal(200, (await fx.CreateEnvironmentAsync(@"{""name"": ""qa team""}")).Status);

            var (status, env) = await fx.CallAsync("GET", fx.EnvironmentsPath + "/qa%20team");
            var (deleteStatus, tombstone) = await fx.CallAsync("DELETE", fx.EnvironmentsPath + "/qa%20team");

            Assert.Equal(200, status);
            Assert.Equal("qa team", env.GetProperty("name").GetString());
            Assert.Equal(200, deleteStatus);
            Assert.Equal("qa team", tombstone.GetProperty("name").GetString());
        }

        [Fact]
        public async Task UnknownEnvironmentIs404()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CallAsync("GET", fx.EnvironmentsPath + "/nope");

            Assert.Equal(404, status);
            Assert.Contains("nope", body.GetProperty("error").GetString());
            Assert.Equal(404, (await fx.CallAsync("PATCH", fx.EnvironmentsPath + "/nope", "{}")).Status);
            Assert.Equal(404, (await fx.CallAsync("DELETE", fx.EnvironmentsPath + "/nope")).Status);
        }

        [Fact]
        public async Task PatchAppliesGivenFieldsAndLeavesTheRest()
        {
            using var fx = new EmulatorFixture();
            await fx.CreateEnvironmentAsync(@"{""name"": ""staging"", ""autoscaling_settings"": {""max_replica"": 4, ""scale_down_delay"": 120}}");

            var (status, body) = await fx.CallAsync("PATCH", fx.EnvironmentsPath + "/staging",
                @"{""autoscaling_settings"": {""max_replica"": 6, ""scale_down_delay"": null}, ""promotion_settings"": {""rolling_deploy"": true}}");
            var (_, fetched) = await fx.CallAsync("GET", fx.EnvironmentsPath + "/staging");

            Assert.Equal(200, status);
            Assert.Equal("ACCEPTED", body.GetProperty("status").GetString());
            Assert.Equal(JsonValueKind.String, body.GetProperty("message").ValueKind);
            foreach (var env in new[] { body.GetProperty("environment"), fetched })
            {
                Assert.Equal(6, Json.At(env, "autoscaling_settings", "max_replica").GetInt32());
                Assert.Equal(120, Json.At(env, "autoscaling_settings", "scale_down_delay").GetInt32());
                Assert.True(Json.At(env, "promotion_settings", "rolling_deploy").GetBoolean());
                Assert.False(Json.At(env, "promotion_settings", "redeploy_on_promotion").GetBoolean());
            }
        }

        [Fact]
        public async Task PatchWithNothingNewIsUnchanged()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CallAsync("PATCH", fx.EnvironmentsPath + "/production", @"{""autoscaling_settings"": {""max_replica"": 1}}");

            Assert.Equal(200, status);
            Assert.Equal("UNCHANGED", body.GetProperty("status").GetString());
        }

        [Fact]
        public async Task PatchOfProductionReachesItsDeployment()
        {
            using var fx = new EmulatorFixture();

            await fx.CallAsync("PATCH", fx.EnvironmentsPath + "/production", @"{""autoscaling_settings"": {""max_replica"": 3}}");
            var (_, deployment) = await fx.CallAsync("GET", "v1/models/" + fx.Model.Id + "/deployments/production");

            Assert.Equal(3, Json.At(deployment, "autoscaling_settings", "max_replica").GetInt32());
        }

        [Fact]
        public async Task BackpressurePolicyIsClearedOnlyByAnExplicitNull()
        {
            using var fx = new EmulatorFixture();
            await fx.CreateEnvironmentAsync(@"{""name"": ""s"", ""request_backpressure_settings"": {""policy"": ""QUEUE_ON_FULL""}}");
            var path = fx.EnvironmentsPath + "/s";

            var (_, absent) = await fx.CallAsync("PATCH", path, @"{""request_backpressure_settings"": {}}");
            var (_, outerNull) = await fx.CallAsync("PATCH", path, @"{""request_backpressure_settings"": null}");
            var (_, cleared) = await fx.CallAsync("PATCH", path, @"{""request_backpressure_settings"": {""policy"": null}}");

            Assert.Equal("QUEUE_ON_FULL", Json.At(absent, "environment", "request_backpressure_settings", "policy").GetString());
            Assert.Equal("QUEUE_ON_FULL", Json.At(outerNull, "environment", "request_backpressure_settings", "policy").GetString());
            Assert.Equal(JsonValueKind.Null, Json.At(cleared, "environment", "request_backpressure_settings", "policy").ValueKind);
            Assert.Equal("ACCEPTED", cleared.GetProperty("status").GetString());
        }

        [Fact]
        public async Task SchedulesAreCreatedReplacedAndDeleted()
        {
            using var fx = new EmulatorFixture();
            var path = fx.EnvironmentsPath + "/production";
            const string Schedule = @"""enabled"": true, ""cadence"": ""DAILY"", ""weekdays"": [""MONDAY""],
                ""start_hour"": 8, ""start_minute"": 0, ""end_hour"": 10, ""end_minute"": 0,
                ""autoscaling_settings"": {""min_replica"": 2, ""max_replica"": 8, ""autoscaling_window"": null, ""scale_down_delay"": null,
                    ""concurrency_target"": null, ""target_utilization_percentage"": null, ""target_in_flight_tokens"": null, ""max_scale_down_rate"": null}";

            var (created, createdBody) = await fx.CallAsync("PATCH", path,
                @"{""autoscaling_schedule_settings"": {""timezone"": ""America/Los_Angeles"", ""schedules"": [{""name"": ""peak"", " + Schedule + "}]}}");
            var schedules = Json.At(createdBody, "environment", "autoscaling_schedules");
            var id = Json.At(schedules, "schedules", 0, "id").GetString();

            var (_, renamed) = await fx.CallAsync("PATCH", path,
                @"{""autoscaling_schedule_settings"": {""schedules"": [{""id"": """ + id + @""", ""name"": ""rush"", " + Schedule + "}]}}");
            var (missingTz, _) = await fx.CallAsync("PATCH", path, @"{""autoscaling_schedule_settings"": {""timezone"": null}}");
            var (_, deleted) = await fx.CallAsync("PATCH", path, @"{""autoscaling_schedule_settings"": {""delete_schedules"": [""" + id + @"""], ""timezone"": null}}");
            var (unknown, _) = await fx.CallAsync("PATCH", path, @"{""autoscaling_schedule_settings"": {""delete_schedules"": [""zzzzzzzz""]}}");

            Assert.Equal(200, created);
            Assert.Equal("America/Los_Angeles", schedules.GetProperty("timezone").GetString());
            Assert.Equal(8, id.Length);
            Assert.Equal("rush", Json.At(renamed, "environment", "autoscaling_schedules", "schedules", 0, "name").GetString());
            Assert.Equal(1, Json.At(renamed, "environment", "autoscaling_schedules", "schedules").GetArrayLength());
            Assert.Equal(400, missingTz);
            Assert.Equal(JsonValueKind.Null, Json.At(deleted, "environment", "autoscaling_schedules").ValueKind);
            Assert.Equal(404, unknown);
        }

        [Fact]
        public async Task RefusedPatchChangesNothing()
        {
            using var fx = new EmulatorFixture();
            var path = fx.EnvironmentsPath + "/production";

            // The autoscaling part is fine; the schedule part is refused (unknown id), so neither applies.
            var (status, _) = await fx.CallAsync("PATCH", path,
                @"{""autoscaling_settings"": {""max_replica"": 9}, ""autoscaling_schedule_settings"": {""delete_schedules"": [""zzzzzzzz""]}}");
            var (_, env) = await fx.CallAsync("GET", path);

            Assert.Equal(404, status);
            Assert.Equal(1, Json.At(env, "autoscaling_settings", "max_replica").GetInt32());
        }

        [Fact]
        public async Task DeleteAnswersATombstoneAndTheEnvironmentIsGone()
        {
            using var fx = new EmulatorFixture();
            await fx.CreateEnvironmentAsync(@"{""name"": ""staging""}");

            var (status, tombstone) = await fx.CallAsync("DELETE", fx.EnvironmentsPath + "/staging");
            var (after, _) = await fx.CallAsync("GET", fx.EnvironmentsPath + "/staging");
            var (recreated, _) = await fx.CreateEnvironmentAsync(@"{""name"": ""staging""}");

            Assert.Equal(200, status);
            Assert.Equal("staging", tombstone.GetProperty("name").GetString());
            Assert.Equal(fx.Model.Id, tombstone.GetProperty("model_id").GetString());
            Assert.True(tombstone.GetProperty("deleted").GetBoolean());
            Assert.Equal(404, after);
            Assert.Equal(200, recreated);
        }

        [Fact]
        public async Task ProductionCannotBeDeleted()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CallAsync("DELETE", fx.EnvironmentsPath + "/production");
            var (stillThere, _) = await fx.CallAsync("GET", fx.EnvironmentsPath + "/production");

            Assert.Equal(400, status);
            Assert.Contains("production", body.GetProperty("error").GetString());
            Assert.Equal(200, stillThere);
        }
    }
}
