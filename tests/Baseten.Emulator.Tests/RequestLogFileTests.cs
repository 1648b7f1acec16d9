using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    /// <summary>The request log persisted as JSON lines (EmulatorOptions.RequestLogDirectory).</summary>
    public class RequestLogFileTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "baseten-emulator-log-" + Guid.NewGuid().ToString("N"));

        public void Dispose()
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }

        internal static JsonElement[] ReadLines(string path) =>
            File.ReadAllLines(path).Where(l => l.Length > 0).Select(l =>
            {
                using var document = JsonDocument.Parse(l);
                return document.RootElement.Clone();
            }).ToArray();

        [Fact]
        public async Task EachRequestIsAppendedAsOneJsonLineNamedByPortAndProcess()
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { RequestLogDirectory = directory });
            fx.Client.DefaultRequestHeaders.UserAgent.ParseAdd("Baseten.PowerShell/0.1.0");
            const string Json = "{\"name\": \"qa team\", \"autoscaling_settings\": {\"min_replica\": 1}}";

            await fx.CallAsync("POST", fx.EnvironmentsPath + "?dry=1", Json);
            await fx.CallAsync("POST", fx.EnvironmentsPath, "{\"nam\": 1}");
            await fx.CallAsync("GET", "v1/models");

            var expectedName = "requests-" + fx.Emulator.BaseUri.Port + "-" + Process.GetCurrentProcess().Id + ".jsonl";
            Assert.Equal(Path.Combine(Path.GetFullPath(directory), expectedName), fx.Emulator.RequestLogPath);
            Assert.Equal(new[] { expectedName }, Directory.GetFiles(directory).Select(Path.GetFileName));

            var lines = ReadLines(fx.Emulator.RequestLogPath);
            var memory = fx.Emulator.Requests;
            Assert.Equal(3, lines.Length);
            for (var i = 0; i < lines.Length; i++)
            {
                Assert.Equal(
                    new[] { "Method", "Path", "Query", "Body", "ContentType", "UserAgent", "AuthorizationScheme", "StatusCode", "Timestamp" },
                    lines[i].EnumerateObject().Select(p => p.Name));
                Assert.Equal(memory[i].Method, lines[i].GetProperty("Method").GetString());
                Assert.Equal(memory[i].Path, lines[i].GetProperty("Path").GetString());
                Assert.Equal(memory[i].Query, lines[i].GetProperty("Query").GetString());
                Assert.Equal(memory[i].Body, lines[i].GetProperty("Body").GetString());
                Assert.Equal(memory[i].StatusCode, lines[i].GetProperty("StatusCode").GetInt32());
                Assert.Equal(memory[i].Timestamp, lines[i].GetProperty("Timestamp").GetDateTimeOffset());
            }

            Assert.Equal("POST", lines[0].GetProperty("Method").GetString());
            Assert.Equal("/" + fx.EnvironmentsPath, lines[0].GetProperty("Path").GetString());
            Assert.Equal("dry=1", lines[0].GetProperty("Query").GetString());
            Assert.Equal(Json, lines[0].GetProperty("Body").GetString());
            Assert.StartsWith("application/json", lines[0].GetProperty("ContentType").GetString());
            Assert.Equal("Baseten.PowerShell/0.1.0", lines[0].GetProperty("UserAgent").GetString());
            Assert.Equal("Api-Key", lines[0].GetProperty("AuthorizationScheme").GetString());
            Assert.Equal(200, lines[0].GetProperty("StatusCode").GetInt32());
            Assert.Equal(422, lines[1].GetProperty("StatusCode").GetInt32());
            Assert.Equal(string.Empty, lines[2].GetProperty("Body").GetString());
        }

        [Fact]
        public async Task TheKeyAndTheResponseAreNeverWritten()
        {
            const string Key = "sk-very-secret-key-for-the-file-0123456789";
            const string WrongKey = "sk-wrong-key-for-the-file-9876543210";
            using var fx = new EmulatorFixture(new EmulatorOptions { ApiKey = Key, RequestLogDirectory = directory });
            using var wrong = fx.NewClient("Bearer", WrongKey);
            using var anonymous = fx.NewClient(null, null);

            await fx.CallAsync("POST", fx.EnvironmentsPath, "{\"name\": \"staging\"}");
            await fx.CallAsync("GET", "v1/models", client: wrong);
            await fx.CallAsync("GET", "v1/models", client: anonymous);

            var text = File.ReadAllText(fx.Emulator.RequestLogPath);
            Assert.DoesNotContain(Key, text);
            Assert.DoesNotContain(WrongKey, text);
            Assert.DoesNotContain("ResponseBody", text);
            Assert.DoesNotContain(fx.Model.ProductionDeploymentId, text);   // in every answer, in no request

            var lines = ReadLines(fx.Emulator.RequestLogPath);
            Assert.Equal(new[] { "Api-Key", "Bearer", null }, lines.Select(l => l.GetProperty("AuthorizationScheme").GetString()));
            Assert.Equal(new[] { 200, 401, 401 }, lines.Select(l => l.GetProperty("StatusCode").GetInt32()));
        }

        [Fact]
        public async Task ALineIsInTheFileByTheTimeItsAnswerArrives()
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { RequestLogDirectory = directory });

            for (var i = 0; i < 20; i++)
            {
                await fx.CallAsync("GET", "v1/models?i=" + i);

                var lines = ReadLines(fx.Emulator.RequestLogPath);
                Assert.Equal(i + 1, lines.Length);
                Assert.Equal("i=" + i, lines[i].GetProperty("Query").GetString());
            }
        }

        [Fact]
        public async Task ConcurrentRequestsEachGetOneWholeLine()
        {
            using var fx = new EmulatorFixture(new EmulatorOptions { RequestLogDirectory = directory });
            var body = "{\"name\": \"" + new string('x', 4000) + "\"}";

            await Task.WhenAll(Enumerable.Range(0, 40).Select(i =>
                i % 2 == 0 ? fx.CallAsync("GET", "v1/models?i=" + i) : fx.CallAsync("POST", fx.EnvironmentsPath, body)));

            var lines = ReadLines(fx.Emulator.RequestLogPath);
            Assert.Equal(40, lines.Length);
            Assert.Equal(20, lines.Count(l => l.GetProperty("Body").GetString() == body));
        }

        [Fact]
        public async Task ClearRequestsLeavesTheFileAndAMissingFolderIsCreated()
        {
            var nested = Path.Combine(directory, "a", "b");
            using var fx = new EmulatorFixture(new EmulatorOptions { RequestLogDirectory = nested });

            await fx.CallAsync("GET", "v1/models");
            fx.Emulator.ClearRequests();
            await fx.CallAsync("GET", fx.EnvironmentsPath);

            Assert.StartsWith(Path.GetFullPath(nested), fx.Emulator.RequestLogPath);
            Assert.Single(fx.Emulator.Requests);
            Assert.Equal(2, ReadLines(fx.Emulator.RequestLogPath).Length);
        }

        [Fact]
        public async Task AFileThatCannotBeWrittenNeverBreaksARequest()
        {
            // The "folder" is a file: every append fails.
            Directory.CreateDirectory(directory);
            var blocker = Path.Combine(directory, "not-a-folder");
            File.WriteAllText(blocker, "x");
            using var fx = new EmulatorFixture(new EmulatorOptions { RequestLogDirectory = blocker });

            var created = await fx.CreateEnvironmentAsync("{\"name\": \"staging\"}");
            var listed = await fx.CallAsync("GET", fx.EnvironmentsPath);

            Assert.Equal(200, created.Status);
            Assert.Equal(200, listed.Status);
            Assert.Equal(2, fx.Emulator.Requests.Count);
            Assert.Equal("x", File.ReadAllText(blocker));
        }
    }

    /// <summary>Tests that set BASETEN_EMULATOR_REQUEST_LOG, a process-wide setting: never in parallel with other tests.</summary>
    [CollectionDefinition(nameof(RequestLogVariableCollection), DisableParallelization = true)]
    public class RequestLogVariableCollection
    {
    }

    [Collection(nameof(RequestLogVariableCollection))]
    public class RequestLogVariableTests : IDisposable
    {
        private readonly string directory = Path.Combine(Path.GetTempPath(), "baseten-emulator-log-" + Guid.NewGuid().ToString("N"));
        private readonly string saved = Environment.GetEnvironmentVariable(EmulatorOptions.RequestLogDirectoryVariable);

        public void Dispose()
        {
            Environment.SetEnvironmentVariable(EmulatorOptions.RequestLogDirectoryVariable, saved);
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, true);
            }
        }

        [Fact]
        public async Task TheVariableIsTheDefaultWhenTheOptionIsNotSet()
        {
            Assert.Equal("BASETEN_EMULATOR_REQUEST_LOG", EmulatorOptions.RequestLogDirectoryVariable);
            Environment.SetEnvironmentVariable(EmulatorOptions.RequestLogDirectoryVariable, directory);
            using var fx = new EmulatorFixture();

            await fx.CallAsync("POST", fx.EnvironmentsPath, "{\"name\": \"staging\"}");

            Assert.StartsWith(Path.GetFullPath(directory), fx.Emulator.RequestLogPath);
            var line = Assert.Single(RequestLogFileTests.ReadLines(fx.Emulator.RequestLogPath));
            Assert.Equal("{\"name\": \"staging\"}", line.GetProperty("Body").GetString());
        }

        [Fact]
        public async Task TheOptionWinsOverTheVariable()
        {
            var fromVariable = Path.Combine(directory, "variable");
            var fromOption = Path.Combine(directory, "option");
            Environment.SetEnvironmentVariable(EmulatorOptions.RequestLogDirectoryVariable, fromVariable);
            using var fx = new EmulatorFixture(new EmulatorOptions { RequestLogDirectory = fromOption });

            await fx.CallAsync("GET", "v1/models");

            Assert.StartsWith(Path.GetFullPath(fromOption), fx.Emulator.RequestLogPath);
            Assert.Single(RequestLogFileTests.ReadLines(fx.Emulator.RequestLogPath));
            Assert.False(Directory.Exists(fromVariable));
        }

        [Fact]
        public async Task NeitherSetMeansNoFile()
        {
            Environment.SetEnvironmentVariable(EmulatorOptions.RequestLogDirectoryVariable, null);
            using var fx = new EmulatorFixture(new EmulatorOptions { RequestLogDirectory = "" });

            await fx.CallAsync("GET", "v1/models");

            Assert.Null(fx.Emulator.RequestLogPath);
            Assert.Single(fx.Emulator.Requests);
        }
    }
}
