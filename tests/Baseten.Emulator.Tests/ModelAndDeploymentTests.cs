using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    public class ModelAndDeploymentTests
    {
        [Fact]
        public async Task ModelsAreListedWithEveryRequiredField()
        {
            using var fx = new EmulatorFixture();
            var second = fx.Emulator.AddModel("other");

            var (status, body) = await fx.CallAsync("GET", "v1/models");

            Assert.Equal(200, status);
            var models = body.GetProperty("models").EnumerateArray().ToList();
            Assert.Equal(new[] { fx.Model.Id, second.Id }, models.Select(m => m.GetProperty("id").GetString()));
            Json.HasProperties(models[0], "id", "created_at", "name", "deployments_count", "production_deployment_id",
                "development_deployment_id", "instance_type_name", "team_name");
            Assert.Equal(fx.Model.ProductionDeploymentId, models[0].GetProperty("production_deployment_id").GetString());
            Assert.Equal(1, models[0].GetProperty("deployments_count").GetInt32());
        }

        [Fact]
        public async Task NameFilterIsExact()
        {
            using var fx = new EmulatorFixture();
            fx.Emulator.AddModel("my-llm-2");

            var (_, exact) = await fx.CallAsync("GET", "v1/models?name=my-llm");
            var (_, none) = await fx.CallAsync("GET", "v1/models?name=MY-LLM");

            Assert.Equal(new[] { fx.Model.Id }, exact.GetProperty("models").EnumerateArray().Select(m => m.GetProperty("id").GetString()));
            Assert.Equal(0, none.GetProperty("models").GetArrayLength());
        }

        [Fact]
        public void IdsLookLikeBasetens()
        {
            using var fx = new EmulatorFixture();

            Assert.Matches(new Regex("^[a-z0-9]{8}$"), fx.Model.Id);
            Assert.Matches(new Regex("^[a-z0-9]{8}$"), fx.Model.ProductionDeploymentId);
            Assert.NotEqual(fx.Model.Id, fx.Model.ProductionDeploymentId);
            Assert.Equal("my-llm", fx.Model.Name);
        }

        [Fact]
        public async Task GetModelAndUnknownModel()
        {
            using var fx = new EmulatorFixture();

            var (status, model) = await fx.CallAsync("GET", "v1/models/" + fx.Model.Id);
            var (missing, body) = await fx.CallAsync("GET", "v1/models/abcdefgh");

            Assert.Equal(200, status);
            Assert.Equal("my-llm", model.GetProperty("name").GetString());
            Assert.Equal(404, missing);
            Assert.Equal(JsonValueKind.String, body.GetProperty("error").ValueKind);
        }

        [Fact]
        public async Task DeletingAModelRemovesItsEnvironmentsAndDeployments()
        {
            using var fx = new EmulatorFixture();
            await fx.CreateEnvironmentAsync(@"{""name"": ""staging""}");

            var (status, tombstone) = await fx.CallAsync("DELETE", "v1/models/" + fx.Model.Id);

            Assert.Equal(200, status);
            Assert.Equal(fx.Model.Id, tombstone.GetProperty("id").GetString());
            Assert.True(tombstone.GetProperty("deleted").GetBoolean());
            Assert.Equal(404, (await fx.CallAsync("GET", "v1/models/" + fx.Model.Id)).Status);
            Assert.Equal(404, (await fx.CallAsync("GET", fx.EnvironmentsPath + "/staging")).Status);
            Assert.Equal(404, (await fx.CallAsync("GET", "v1/models/" + fx.Model.Id + "/deployments")).Status);
            Assert.Equal(0, (await fx.CallAsync("GET", "v1/models")).Body.GetProperty("models").GetArrayLength());
        }

        [Fact]
        public async Task DeploymentsAreListedAndFoundByIdOrAlias()
        {
            using var fx = new EmulatorFixture();
            var basePath = "v1/models/" + fx.Model.Id + "/deployments";

            var (listStatus, list) = await fx.CallAsync("GET", basePath);
            var (_, byId) = await fx.CallAsync("GET", basePath + "/" + fx.Model.ProductionDeploymentId);
            var (_, byAlias) = await fx.CallAsync("GET", basePath + "/production");
            var (development, _) = await fx.CallAsync("GET", basePath + "/development");
            var (unknown, _) = await fx.CallAsync("GET", basePath + "/zzzzzzzz");

            Assert.Equal(200, listStatus);
            var deployment = Json.At(list, "deployments", 0);
            Json.HasProperties(deployment, "id", "created_at", "name", "model_id", "is_production", "is_development", "status",
                "active_replica_count", "autoscaling_settings", "instance_type_name", "environment", "labels", "region",
                "request_backpressure_settings");
            Assert.Equal(fx.Model.ProductionDeploymentId, byId.GetProperty("id").GetString());
            Assert.Equal(fx.Model.ProductionDeploymentId, byAlias.GetProperty("id").GetString());
            Assert.Equal(404, development);
            Assert.Equal(404, unknown);
        }

        [Fact]
        public async Task DeploymentNameFilter()
        {
            using var fx = new EmulatorFixture();
            var basePath = "v1/models/" + fx.Model.Id + "/deployments";
            var (_, all) = await fx.CallAsync("GET", basePath);
            var name = Json.At(all, "deployments", 0, "name").GetString();

            var (_, hit) = await fx.CallAsync("GET", basePath + "?name=" + name);
            var (_, miss) = await fx.CallAsync("GET", basePath + "?name=nope");

            Assert.Equal(1, hit.GetProperty("deployments").GetArrayLength());
            Assert.Equal(0, miss.GetProperty("deployments").GetArrayLength());
        }
    }
}
