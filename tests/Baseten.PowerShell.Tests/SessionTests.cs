using System;
using Baseten.Core.Http;
using Xunit;

namespace Baseten.PowerShell.Tests
{
    /// <summary>
    /// Process-wide state: BasetenSession.Context and the BASETEN_* environment variables. Every test touching
    /// them lives in this one class (xunit runs a class's tests one at a time) and restores what it changed.
    /// </summary>
    [Collection(SessionCollection.Name)]
    public sealed class SessionTests : IDisposable
    {
        private const string Key = "abcd1234.EnvironmentSecret0001";

        private readonly string _savedKey = Environment.GetEnvironmentVariable(BasetenSession.ApiKeyVariable);
        private readonly string _savedUrl = Environment.GetEnvironmentVariable(BasetenSession.ApiUrlVariable);
        private readonly BasetenContext _savedContext = BasetenSession.Context;

        public SessionTests()
        {
            BasetenSession.Context = null;
            Environment.SetEnvironmentVariable(BasetenSession.ApiKeyVariable, null);
            Environment.SetEnvironmentVariable(BasetenSession.ApiUrlVariable, null);
        }

        public void Dispose()
        {
            Environment.SetEnvironmentVariable(BasetenSession.ApiKeyVariable, _savedKey);
            Environment.SetEnvironmentVariable(BasetenSession.ApiUrlVariable, _savedUrl);
            BasetenSession.Context = _savedContext;
        }

        [Fact]
        public void ContextShowsOnlyTheMaskedKey()
        {
            var context = new BasetenContext(new BasetenConnection(new Uri("https://api.baseten.co"), Key, TimeSpan.FromSeconds(30)), BasetenContext.SessionSource);

            Assert.Equal("abcd1234.********", context.ApiKey);
            Assert.Equal("https://api.baseten.co/", context.BaseUri.AbsoluteUri);
            Assert.Equal("https://api.baseten.co/", context.ToString());
            Assert.Equal(30, context.TimeoutSec);
            Assert.Equal("Session", context.Source);
            foreach (var property in typeof(BasetenContext).GetProperties())
            {
                var value = property.GetValue(context)?.ToString() ?? string.Empty;
                Assert.DoesNotContain("EnvironmentSecret", value);
            }
        }

        [Fact]
        public void NoContextAndNoEnvironmentKeyResolvesToNull()
        {
            Assert.Null(BasetenSession.Resolve());
        }

        [Fact]
        public void WhitespaceEnvironmentKeyResolvesToNull()
        {
            Environment.SetEnvironmentVariable(BasetenSession.ApiKeyVariable, "   ");

            Assert.Null(BasetenSession.Resolve());
        }

        [Fact]
        public void EnvironmentKeyResolvesToProductionByDefault()
        {
            Environment.SetEnvironmentVariable(BasetenSession.ApiKeyVariable, Key);

            var context = BasetenSession.Resolve();

            Assert.NotNull(context);
            Assert.Equal(BasetenContext.EnvironmentSource, context.Source);
            Assert.Equal("https://api.baseten.co/", context.BaseUri.AbsoluteUri);
            Assert.Equal("abcd1234.********", context.ApiKey);
            // The key itself is internal to the core; read it the way only a test may.
            var apiKey = typeof(BasetenConnection).GetProperty("ApiKey", System.Reflection.BindingFlags.NonPublic | System.Reflection.BindingFlags.Instance);
            Assert.Equal(Key, apiKey.GetValue(context.Connection));
            Assert.Equal((int)BasetenConnection.DefaultTimeout.TotalSeconds, context.TimeoutSec);
        }

        [Fact]
        public void EnvironmentUrlIsUsed()
        {
            Environment.SetEnvironmentVariable(BasetenSession.ApiKeyVariable, Key);
            Environment.SetEnvironmentVariable(BasetenSession.ApiUrlVariable, " http://127.0.0.1:5123 ");

            var context = BasetenSession.Resolve();

            Assert.Equal("http://127.0.0.1:5123/", context.BaseUri.AbsoluteUri);
        }

        [Fact]
        public void InsecureEnvironmentUrlIsRefused()
        {
            Environment.SetEnvironmentVariable(BasetenSession.ApiKeyVariable, Key);
            Environment.SetEnvironmentVariable(BasetenSession.ApiUrlVariable, "http://example.com");

            var error = Assert.Throws<InsecureBaseUriException>(() => BasetenSession.Resolve());

            Assert.DoesNotContain("EnvironmentSecret", error.Message);
        }

        [Fact]
        public void RelativeEnvironmentUrlIsRefused()
        {
            Environment.SetEnvironmentVariable(BasetenSession.ApiKeyVariable, Key);
            Environment.SetEnvironmentVariable(BasetenSession.ApiUrlVariable, "api.baseten.co");

            var error = Assert.Throws<ArgumentException>(() => BasetenSession.Resolve());

            Assert.Contains("BASETEN_API_URL", error.Message);
        }

        [Fact]
        public void ConnectedContextWinsOverTheEnvironment()
        {
            Environment.SetEnvironmentVariable(BasetenSession.ApiKeyVariable, Key);
            Environment.SetEnvironmentVariable(BasetenSession.ApiUrlVariable, "http://example.com");
            var connected = new BasetenContext(new BasetenConnection(new Uri("https://other.example"), "session-key-0000", TimeSpan.FromSeconds(5)), BasetenContext.SessionSource);
            BasetenSession.Context = connected;

            Assert.Same(connected, BasetenSession.Resolve());
        }
    }

    [CollectionDefinition(Name, DisableParallelization = true)]
    public sealed class SessionCollection
    {
        public const string Name = "Process-wide Baseten session";
    }
}
