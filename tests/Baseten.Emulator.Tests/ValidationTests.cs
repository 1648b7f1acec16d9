using System.Linq;
using System.Net.Http;
using System.Text;
using System.Text.Json;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    /// <summary>Request bodies are checked the way the API's FastAPI/pydantic layer does, answering 422 {"detail": [...]}.</summary>
    public class ValidationTests
    {
        [Fact]
        public async Task UnknownTopLevelKeyIsExtraForbidden()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""staging"", ""autoscaling"": {}}");

            Assert.Equal(422, status);
            var detail = Json.At(body, "detail", 0);
            Assert.Equal(new[] { "body", "autoscaling" }, detail.GetProperty("loc").EnumerateArray().Select(e => e.GetString()));
            Assert.Equal("Extra inputs are not permitted", detail.GetProperty("msg").GetString());
            Assert.Equal("extra_forbidden", detail.GetProperty("type").GetString());
        }

        [Fact]
        public async Task UnknownNestedKeyIsExtraForbidden()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""staging"", ""autoscaling_settings"": {""max_replicas"": 3}}");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body.autoscaling_settings.max_replicas", "extra_forbidden") }, Json.Issues(body));
            Assert.Equal(3, Json.At(body, "detail", 0, "input").GetInt32());
        }

        [Fact]
        public async Task UnknownKeyInPromotionAndRollingConfigIsRefusedToo()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(
                @"{""name"": ""s"", ""promotion_settings"": {""rollingdeploy"": true, ""rolling_deploy_config"": {""surge"": 1}}}");

            Assert.Equal(422, status);
            Assert.Equal(
                new[]
                {
                    ("body.promotion_settings.rolling_deploy_config.surge", "extra_forbidden"),
                    ("body.promotion_settings.rollingdeploy", "extra_forbidden"),
                },
                Json.Issues(body));
        }

        [Theory]
        [InlineData("2.5", "int_from_float")]
        [InlineData("\"2\"", "int_type")]
        [InlineData("true", "int_type")]
        [InlineData("[]", "int_type")]
        public async Task IntegerFieldsTakeOnlyJsonIntegers(string value, string expectedType)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""s"", ""autoscaling_settings"": {""min_replica"": " + value + "}}");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body.autoscaling_settings.min_replica", expectedType) }, Json.Issues(body));
            Assert.StartsWith("Input should be a valid integer", Json.At(body, "detail", 0, "msg").GetString());
        }

        [Theory]
        [InlineData("\"true\"")]
        [InlineData("1")]
        public async Task BooleanFieldsTakeOnlyJsonBooleans(string value)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""s"", ""promotion_settings"": {""rolling_deploy"": " + value + "}}");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body.promotion_settings.rolling_deploy", "bool_type") }, Json.Issues(body));
            Assert.Equal("Input should be a valid boolean", Json.At(body, "detail", 0, "msg").GetString());
        }

        [Theory]
        [InlineData("\"fast\"")]
        [InlineData("[]")]
        [InlineData("5")]
        public async Task NestedSettingsMustBeObjects(string value)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""s"", ""autoscaling_settings"": " + value + "}");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body.autoscaling_settings", "model_attributes_type") }, Json.Issues(body));
        }

        [Fact]
        public async Task MissingNameIsReported()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""autoscaling_settings"": {""max_replica"": 2}}");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body.name", "missing") }, Json.Issues(body));
            Assert.Equal("Field required", Json.At(body, "detail", 0, "msg").GetString());
        }

        [Theory]
        [InlineData("\"\"", "string_too_short")]
        [InlineData("42", "string_type")]
        [InlineData("null", "string_type")]
        public async Task NameMustBeANonEmptyString(string value, string expectedType)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": " + value + "}");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body.name", expectedType) }, Json.Issues(body));
        }

        [Theory]
        [InlineData(0, "greater_than_equal")]
        [InlineData(51, "less_than_equal")]
        public async Task MaxScaleDownRateOutsideOneToFiftyIsRefused(int value, string expectedType)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""s"", ""autoscaling_settings"": {""max_scale_down_rate"": " + value + "}}");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body.autoscaling_settings.max_scale_down_rate", expectedType) }, Json.Issues(body));
        }

        [Theory]
        [InlineData(1)]
        [InlineData(50)]
        public async Task MaxScaleDownRateBoundsAreAccepted(int value)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""s"", ""autoscaling_settings"": {""max_scale_down_rate"": " + value + "}}");

            Assert.Equal(200, status);
            Assert.Equal(value, Json.At(body, "autoscaling_settings", "max_scale_down_rate").GetInt32());
        }

        [Theory]
        [InlineData("promotion_settings", "promotion_cleanup_strategy", "scale_to_zero", "Input should be 'KEEP', 'SCALE_TO_ZERO' or 'DEACTIVATE'")]
        [InlineData("request_backpressure_settings", "policy", "QUEUE", "Input should be 'QUEUE_ON_FULL' or 'REJECT_ON_FULL'")]
        public async Task EnumsTakeOnlyTheirExactValues(string settings, string field, string value, string message)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(
                @"{""name"": ""s"", """ + settings + @""": {""" + field + @""": """ + value + @"""}}");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body." + settings + "." + field, "enum") }, Json.Issues(body));
            Assert.Equal(message, Json.At(body, "detail", 0, "msg").GetString());
        }

        [Fact]
        public async Task EveryProblemIsReportedNotJustTheFirst()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{
                ""autoscaling_settings"": {""min_replica"": ""1"", ""max_replicas"": 3},
                ""promotion_settings"": {""rolling_deploy"": ""yes""},
                ""colour"": ""blue""
            }");

            Assert.Equal(422, status);
            Assert.Equal(
                new[]
                {
                    ("body.name", "missing"),
                    ("body.autoscaling_settings.min_replica", "int_type"),
                    ("body.autoscaling_settings.max_replicas", "extra_forbidden"),
                    ("body.promotion_settings.rolling_deploy", "bool_type"),
                    ("body.colour", "extra_forbidden"),
                },
                Json.Issues(body));
        }

        [Fact]
        public async Task ExplicitNullsMeanNotGiven()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(
                @"{""name"": ""s"", ""autoscaling_settings"": null, ""promotion_settings"": {""rolling_deploy"": null}, ""request_backpressure_settings"": null}");

            Assert.Equal(200, status);
            Assert.Equal(900, Json.At(body, "autoscaling_settings", "scale_down_delay").GetInt32());
            Assert.False(Json.At(body, "promotion_settings", "rolling_deploy").GetBoolean());
        }

        [Fact]
        public async Task BodyThatIsNotJsonIsA400()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(@"{""name"": ""staging"",");

            Assert.Equal(400, status);
            Assert.Equal("Request body is not valid JSON", body.GetProperty("error").GetString());
        }

        [Theory]
        [InlineData("[{\"name\": \"staging\"}]")]
        [InlineData("\"staging\"")]
        [InlineData("null")]
        public async Task BodyThatIsNotAnObjectIsA422(string json)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync(json);

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body", "model_attributes_type") }, Json.Issues(body));
        }

        [Fact]
        public async Task EmptyBodyIsAMissingBody()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CreateEnvironmentAsync("");

            Assert.Equal(422, status);
            Assert.Equal(new[] { ("body", "missing") }, Json.Issues(body));
        }

        [Fact]
        public async Task FormEncodedBodyIsRefusedLikeFastApiDoes()
        {
            using var fx = new EmulatorFixture();

            // What Invoke-RestMethod sends when a script forgets -ContentType application/json.
            using var response = await fx.Client.PostAsync(fx.EnvironmentsPath,
                new StringContent(@"{""name"": ""staging""}", Encoding.UTF8, "application/x-www-form-urlencoded"));

            Assert.Equal(422, (int)response.StatusCode);
            using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(new[] { ("body", "model_attributes_type") }, Json.Issues(doc.RootElement));
        }

        [Fact]
        public async Task PatchIsValidatedAgainstItsOwnSchema()
        {
            using var fx = new EmulatorFixture();

            // "name" is part of the create request only.
            var (status, body) = await fx.CallAsync("PATCH", fx.EnvironmentsPath + "/production",
                @"{""name"": ""x"", ""autoscaling_settings"": {""max_replica"": 2.5}}");

            Assert.Equal(422, status);
            Assert.Equal(
                new[] { ("body.autoscaling_settings.max_replica", "int_from_float"), ("body.name", "extra_forbidden") },
                Json.Issues(body));
        }

        [Fact]
        public async Task ScheduleItemsAreValidatedWithTheirIndex()
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CallAsync("PATCH", fx.EnvironmentsPath + "/production", @"{
                ""autoscaling_schedule_settings"": {
                    ""timezone"": ""UTC"",
                    ""schedules"": [{
                        ""name"": ""peak"", ""enabled"": true, ""cadence"": ""WEEKLY"", ""weekdays"": [""MONDAY"", ""FUNDAY""],
                        ""start_minute"": 0, ""end_minute"": 0
                    }]
                }
            }");

            Assert.Equal(422, status);
            Assert.Equal(
                new[]
                {
                    ("body.autoscaling_schedule_settings.schedules.0.cadence", "enum"),
                    ("body.autoscaling_schedule_settings.schedules.0.weekdays.1", "enum"),
                    ("body.autoscaling_schedule_settings.schedules.0.autoscaling_settings", "missing"),
                },
                Json.Issues(body));
        }

        [Fact]
        public async Task ValidationComesBeforeTheModelLookup()
        {
            using var fx = new EmulatorFixture();

            // FastAPI validates the body before the handler runs, so a bad body wins over a bad id.
            var (status, _) = await fx.CallAsync("POST", "v1/models/nosuchid/environments", @"{""nme"": ""s""}");

            Assert.Equal(422, status);
        }
    }
}
