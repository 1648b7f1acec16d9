using System.Threading.Tasks;
using Baseten.Emulator.Tests.Support;
using Xunit;

namespace Baseten.Emulator.Tests
{
    public class RoutingTests
    {
        [Theory]
        [InlineData("v1/nothing")]
        [InlineData("v2/models")]
        [InlineData("v1/models/x/environments/y/z/w")]
        [InlineData("v1/models//environments")]
        public async Task UnknownPathIs404WithAnError(string path)
        {
            using var fx = new EmulatorFixture();

            var (status, body) = await fx.CallAsync("GET", path);

            Assert.Equal(404, status);
            Assert.False(string.IsNullOrEmpty(body.GetProperty("error").GetString()));
        }

        [Fact]
        public async Task WrongMethodIs405WithAllow()
        {
            using var fx = new EmulatorFixture();

            using var response = await fx.SendAsync("PUT", fx.EnvironmentsPath + "/production", "{}");

            Assert.Equal(405, (int)response.StatusCode);
            var allow = string.Join(",", response.Content.Headers.Allow);
            Assert.Contains("GET", allow);
            Assert.Contains("PATCH", allow);
            Assert.Contains("DELETE", allow);
        }
    }
}
