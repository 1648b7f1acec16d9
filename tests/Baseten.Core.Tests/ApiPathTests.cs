using System;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;
using Baseten.Core.Models;
using Baseten.Core.Tests.Support;
using Baseten.Emulator;
using Xunit;

namespace Baseten.Core.Tests
{
    public class ApiPathTests
    {
        [Theory]
        [InlineData("qa/blue", "qa%2Fblue")]
        [InlineData("a b", "a%20b")]
        [InlineData("é", "%C3%A9")]
        [InlineData("a?b#c", "a%3Fb%23c")]
        [InlineData("50%", "50%25")]
        [InlineData("staging", "staging")]
        public void VariableSegmentsAreEscaped(string name, string escaped)
        {
            Assert.Equal("v1/models/m1/environments/" + escaped, ApiPath.Build("v1", "models", "m1", "environments", name));
        }

        [Theory]
        [InlineData("")]
        [InlineData(null)]
        public void EmptySegmentIsRefused(string name)
        {
            var error = Assert.Throws<ArgumentException>(() => ApiPath.Build("v1", "models", name, "environments"));

            Assert.Contains("empty", error.Message);
        }

        [Theory]
        [InlineData("https://api.baseten.co/")]
        [InlineData("https://proxy.example/baseten/")]
        public void EscapedSlashSurvivesIntoTheRequestUri(string baseUri)
        {
            var uri = new Uri(new Uri(baseUri), ApiPath.Build("v1", "models", "m1", "environments", "qa/blue"));

            Assert.EndsWith("/v1/models/m1/environments/qa%2Fblue", uri.AbsoluteUri);
            Assert.StartsWith(baseUri, uri.AbsoluteUri);
        }

        [Fact]
        public async Task EscapedSegmentsReachTheHandlerAsOneSegment()
        {
            var handler = StubHandler.Returning(HttpStatusCode.OK, DocumentedExamples.CreateResponse);
            using var client = new BasetenHttpClient("test-agent", handler);
            var connection = new BasetenConnection(new Uri("https://proxy.example/baseten"), "key-123456", TimeSpan.FromSeconds(5));
            var api = new BasetenApi(client, connection, null, CancellationToken.None);

            await api.Environments.GetAsync("m 1", "qa/blue");

            var seen = Assert.Single(handler.Seen);
            Assert.Equal("/baseten/v1/models/m%201/environments/qa%2Fblue", seen.RequestUri.AbsolutePath);
            Assert.Equal("https://proxy.example/baseten/v1/models/m%201/environments/qa%2Fblue", seen.RequestUri.AbsoluteUri);
        }

        [Fact]
        public async Task EscapedSlashReachesTheEmulatorAndNamesOneEnvironment()
        {
            using var emulator = BasetenEmulator.Start();
            var model = emulator.AddModel("m");
            using var client = new BasetenHttpClient("test-agent");
            var api = new BasetenApi(client, new BasetenConnection(emulator.BaseUri, emulator.ApiKey, TimeSpan.FromSeconds(30)), null, CancellationToken.None);

            var created = await api.Environments.CreateAsync(model.Id, new CreateEnvironmentRequestV1 { Name = "qa/blue" });
            var read = await api.Environments.GetAsync(model.Id, "qa/blue");

            Assert.Equal("qa/blue", created.Name);
            Assert.Equal("qa/blue", read.Name);
            var get = emulator.Requests.Last();
            Assert.Equal("GET", get.Method);
            Assert.Equal("/v1/models/" + model.Id + "/environments/qa%2Fblue", get.Path);
            Assert.Equal(200, get.StatusCode);
        }
    }
}
