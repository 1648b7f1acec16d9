using System.Linq;
using System.Net.Http;
using System.Text;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    public class RequestLogTests
    {
        [Fact]
        public async Task EveryFieldIsRecorded()
        {
            using var fx = new EmulatorFixture();
            fx.Client.DefaultRequestHeaders.UserAgent.ParseAdd("Baseten.PowerShell/0.1.0");
            const string Json = @"{""name"": ""qa team""}";

            await fx.CallAsync("POST", fx.EnvironmentsPath + "?dry=1", Json);

            var entry = Assert.Single(fx.Emulator.Requests);
            Assert.Equal("POST", entry.Method);
            Assert.Equal("/" + fx.EnvironmentsPath, entry.Path);
            Assert.Equal("dry=1", entry.Query);
            Assert.Equal(Json, entry.Body);
            Assert.StartsWith("application/json", entry.ContentType);
            Assert.Equal("Baseten.PowerShell/0.1.0", entry.UserAgent);
            Assert.Equal("Api-Key", entry.AuthorizationScheme);
            Assert.Equal(200, entry.StatusCode);
            Assert.Contains("\"qa team\"", entry.ResponseBody);
            Assert.True((System.DateTimeOffset.UtcNow - entry.Timestamp).TotalMinutes < 5);
        }

        [Fact]
        public async Task PathIsKeptEscapedAsReceived()
        {
            using var fx = new EmulatorFixture();

            await fx.CallAsync("GET", fx.EnvironmentsPath + "/qa%20team");

            Assert.Equal("/" + fx.EnvironmentsPath + "/qa%20team", fx.Emulator.Requests.Single().Path);
        }

        [Fact]
        public async Task RejectedRequestsAreRecordedWithTheirStatus()
        {
            using var fx = new EmulatorFixture();
            using var anonymous = fx.NewClient(null, null);
            using var bearer = fx.NewClient("Bearer", fx.Emulator.ApiKey);

            await fx.CallAsync("GET", "v1/models", client: anonymous);
            await fx.CallAsync("POST", fx.EnvironmentsPath, "{\"nam\": 1}", bearer);
            await fx.CallAsync("GET", "v1/nowhere");

            var log = fx.Emulator.Requests;
            Assert.Equal(new[] { 401, 422, 404 }, log.Select(r => r.StatusCode));
            Assert.Equal(new[] { null, "Bearer", "Api-Key" }, log.Select(r => r.AuthorizationScheme));
            Assert.Contains("extra_forbidden", log[1].ResponseBody);
        }

        [Fact]
        public async Task TheKeyIsNeverStored()
        {
            const string Key = "sk-very-secret-key-0123456789";
            const string WrongKey = "sk-wrong-key-9876543210";
            using var fx = new EmulatorFixture(new EmulatorOptions { ApiKey = Key });
            using var wrong = fx.NewClient("Bearer", WrongKey);
            using var bare = fx.NewClient(null, null);
            bare.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", WrongKey);

            await fx.CallAsync("GET", "v1/models");
            await fx.CallAsync("POST", fx.EnvironmentsPath, "{\"name\": \"s\"}");
            await fx.CallAsync("GET", "v1/models", client: wrong);
            await fx.CallAsync("GET", "v1/models", client: bare);

            var log = fx.Emulator.Requests;
            Assert.Equal(4, log.Count);
            Assert.Equal("Unrecognized", log[3].AuthorizationScheme);
            foreach (var entry in log)
            {
                var everything = string.Join("|", typeof(RecordedRequest).GetProperties().Select(p => p.GetValue(entry)?.ToString()));
                Assert.DoesNotContain(Key, everything);
                Assert.DoesNotContain(WrongKey, everything);
            }
        }

        [Fact]
        public async Task ClearRequestsEmptiesTheLogAndSnapshotsStayPut()
        {
            using var fx = new EmulatorFixture();
            await fx.CallAsync("GET", "v1/models");
            var snapshot = fx.Emulator.Requests;

            fx.Emulator.ClearRequests();
            await fx.CallAsync("GET", fx.EnvironmentsPath);

            Assert.Single(snapshot);
            Assert.Equal("/v1/models", snapshot[0].Path);
            Assert.Equal("/" + fx.EnvironmentsPath, Assert.Single(fx.Emulator.Requests).Path);
        }

        [Fact]
        public async Task ARequestIsInTheLogByTheTimeItsAnswerArrives()
        {
            using var fx = new EmulatorFixture();

            for (var i = 0; i < 50; i++)
            {
                await fx.CallAsync("GET", "v1/models?i=" + i);

                var log = fx.Emulator.Requests;
                Assert.Equal(i + 1, log.Count);
                Assert.Equal("i=" + i, log[i].Query);
            }
        }

        [Fact]
        public async Task ConcurrentRequestsAreAllRecorded()
        {
            using var fx = new EmulatorFixture();

            await Task.WhenAll(Enumerable.Range(0, 40).Select(_ => fx.CallAsync("GET", "v1/models")));

            Assert.Equal(40, fx.Emulator.Requests.Count);
            Assert.All(fx.Emulator.Requests, r => Assert.Equal(200, r.StatusCode));
        }
    }
}
