using System;
using System.Net.Http;
using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    public class LifecycleTests
    {
        [Fact]
        public async Task StartsOnLoopbackAndAnswers()
        {
            using var emulator = BasetenEmulator.Start();
            using var client = new HttpClient { BaseAddress = emulator.BaseUri };
            client.DefaultRequestHeaders.Add("Authorization", "Api-Key " + emulator.ApiKey);

            using var response = await client.GetAsync("v1/models");

            Assert.Equal("127.0.0.1", emulator.BaseUri.Host);
            Assert.True(emulator.BaseUri.Port > 0);
            Assert.EndsWith("/", emulator.BaseUri.AbsoluteUri);
            Assert.Equal(EmulatorOptions.DefaultApiKey, emulator.ApiKey);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Equal("{\"models\":[]}", await response.Content.ReadAsStringAsync());
        }

        [Fact]
        public async Task TwoEmulatorsRunSideBySideWithSeparateState()
        {
            using var a = new EmulatorFixture();
            using var b = new EmulatorFixture();

            await a.CreateEnvironmentAsync(@"{""name"": ""only-in-a""}");

            Assert.NotEqual(a.Emulator.BaseUri.Port, b.Emulator.BaseUri.Port);
            Assert.Equal(200, (await a.CallAsync("GET", a.EnvironmentsPath + "/only-in-a")).Status);
            Assert.Equal(404, (await b.CallAsync("GET", b.EnvironmentsPath + "/only-in-a")).Status);
            Assert.Equal(404, (await b.CallAsync("GET", "v1/models/" + a.Model.Id)).Status);
            // Each logs only its own traffic.
            Assert.Equal(2, a.Emulator.Requests.Count);
            Assert.Equal(2, b.Emulator.Requests.Count);
        }

        [Fact]
        public async Task StopClosesThePortAndMayBeRepeated()
        {
            var fx = new EmulatorFixture();
            Assert.Equal(200, (await fx.CallAsync("GET", "v1/models")).Status);

            fx.Emulator.Stop();
            fx.Emulator.Stop();
            fx.Emulator.Dispose();

            Assert.False(fx.Emulator.IsRunning);
            await Assert.ThrowsAsync<HttpRequestException>(() => fx.SendAsync("GET", "v1/models"));
            fx.Client.Dispose();
        }

        [Fact]
        public async Task AFixedPortIsHonoured()
        {
            int port;
            using (var first = BasetenEmulator.Start())
            {
                port = first.BaseUri.Port;
            }

            // The port just released is free again; a stopped emulator must really let go of it.
            using var second = BasetenEmulator.Start(new EmulatorOptions { Port = port });
            using var client = new HttpClient { BaseAddress = second.BaseUri };

            using var response = await client.GetAsync("v1/models");

            Assert.Equal(port, second.BaseUri.Port);
            Assert.Equal(401, (int)response.StatusCode);
        }

        [Fact]
        public void AddModelNeedsAName()
        {
            using var emulator = BasetenEmulator.Start();

            Assert.Throws<ArgumentException>(() => emulator.AddModel(" "));
        }
    }
}
