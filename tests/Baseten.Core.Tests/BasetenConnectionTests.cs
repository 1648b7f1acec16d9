using System;
using Baseten.Core.Http;
using Xunit;

namespace Baseten.Core.Tests
{
    public class BasetenConnectionTests
    {
        private const string Key = "abcd1234.TheSecretPartOfTheKey";

        private static BasetenConnection Connect(string uri, string key = Key) =>
            new BasetenConnection(new Uri(uri), key, TimeSpan.FromSeconds(5));

        [Theory]
        [InlineData("https://api.baseten.co", "https://api.baseten.co/")]
        [InlineData("https://api.baseten.co/", "https://api.baseten.co/")]
        [InlineData("https://example.com:8443", "https://example.com:8443/")]
        [InlineData("http://127.0.0.1:5000", "http://127.0.0.1:5000/")]
        [InlineData("http://127.5.6.7:5000", "http://127.5.6.7:5000/")]
        [InlineData("http://[::1]:5000", "http://[::1]:5000/")]
        [InlineData("http://localhost:5000", "http://localhost:5000/")]
        [InlineData("http://LOCALHOST", "http://localhost/")]
        [InlineData("https://proxy.example/baseten", "https://proxy.example/baseten/")]
        [InlineData("https://proxy.example/baseten/", "https://proxy.example/baseten/")]
        public void AcceptedBaseUrisGetATrailingSlash(string input, string expected)
        {
            Assert.Equal(expected, Connect(input).BaseUri.AbsoluteUri);
        }

        [Fact]
        public void NullBaseUriMeansProduction()
        {
            var connection = new BasetenConnection(null, Key, TimeSpan.FromSeconds(1));

            Assert.Equal("https://api.baseten.co/", connection.BaseUri.AbsoluteUri);
        }

        [Fact]
        public void PathPrefixIsKeptWhenARelativePathIsAppended()
        {
            var connection = Connect("https://proxy.example/baseten");

            Assert.Equal("https://proxy.example/baseten/v1/models", new Uri(connection.BaseUri, "v1/models").AbsoluteUri);
        }

        [Theory]
        [InlineData("http://example.com")]
        [InlineData("http://api.baseten.co/")]
        [InlineData("http://10.0.0.5:8080")]
        [InlineData("http://127.0.0.1.example.com")]
        [InlineData("http://localhost.example.com")]
        public void PlainHttpToAnotherHostIsInsecure(string uri)
        {
            var error = Assert.Throws<InsecureBaseUriException>(() => Connect(uri));

            Assert.Equal(new Uri(uri), error.BaseUri);
            Assert.Contains("https", error.Message);
        }

        [Fact]
        public void RelativeUriIsRefused()
        {
            var error = Assert.Throws<ArgumentException>(() => new BasetenConnection(new Uri("/v1", UriKind.Relative), Key, TimeSpan.FromSeconds(1)));

            Assert.Contains("not absolute", error.Message);
        }

        [Theory]
        [InlineData("ftp://api.baseten.co/", "not http or https")]
        [InlineData("file:///tmp/x", "not http or https")]
        [InlineData("https://api.baseten.co/?team=1", "query or fragment")]
        [InlineData("https://api.baseten.co/#top", "query or fragment")]
        public void OtherSchemesAndQueriesAreRefused(string uri, string reason)
        {
            var error = Assert.Throws<ArgumentException>(() => Connect(uri));

            Assert.IsNotType<InsecureBaseUriException>(error);
            Assert.Contains(reason, error.Message);
        }

        [Theory]
        [InlineData("")]
        [InlineData("   ")]
        [InlineData(null)]
        public void EmptyKeyIsRefused(string key)
        {
            Assert.Throws<ArgumentException>(() => new BasetenConnection(new Uri("https://api.baseten.co"), key, TimeSpan.FromSeconds(1)));
        }

        [Fact]
        public void NonPositiveTimeoutIsRefused()
        {
            Assert.Throws<ArgumentOutOfRangeException>(() => new BasetenConnection(null, Key, TimeSpan.Zero));
        }

        [Fact]
        public void KeyIsTrimmed()
        {
            Assert.Equal(Key, new BasetenConnection(null, "  " + Key + "\n", TimeSpan.FromSeconds(1)).ApiKey);
        }

        [Fact]
        public void MaskedKeyShowsOnlyThePublicPrefix()
        {
            var masked = Connect("https://api.baseten.co").MaskedApiKey;

            Assert.Equal("abcd1234.********", masked);
            Assert.DoesNotContain("TheSecretPart", masked);
        }

        [Theory]
        [InlineData("sk_0123456789abcdefXYZW")]
        [InlineData("shortkey")]
        [InlineData("abc.short")]
        [InlineData("averyveryverylongprefix.secretsecretsecret")]
        [InlineData("emulator-test-key")]
        public void MaskedKeyNeverShowsMoreThanTheLastFourCharactersOfAKeyWithoutAShortPrefix(string key)
        {
            var masked = new BasetenConnection(null, key, TimeSpan.FromSeconds(1)).MaskedApiKey;

            Assert.NotEqual(key, masked);
            Assert.StartsWith("********", masked);
            // At most the last four characters are shown.
            for (var length = 5; length <= key.Length; length++)
                for (var start = 0; start + length <= key.Length; start++)
                    Assert.DoesNotContain(key.Substring(start, length), masked);
        }

        [Fact]
        public void ToStringHasTheUriAndNoKey()
        {
            var connection = Connect("https://api.baseten.co");

            Assert.Equal("https://api.baseten.co/", connection.ToString());
            Assert.DoesNotContain("abcd1234", connection.ToString());
            Assert.DoesNotContain("TheSecretPart", connection.ToString());
        }

        [Fact]
        public void TheKeyIsNotAPublicProperty()
        {
            foreach (var property in typeof(BasetenConnection).GetProperties())
                Assert.NotEqual("ApiKey", property.Name);
        }
    }
}
