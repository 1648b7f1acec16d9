using Baseten.Core.Http;
using Xunit;

namespace Baseten.Core.Tests
{
    public class ApiErrorMessageTests
    {
        [Theory]
        [InlineData("""{"error": "Model abc not found"}""", "Model abc not found")]
        [InlineData("""{"message": "Environment already exists"}""", "Environment already exists")]
        [InlineData("""{"detail": "Not authenticated"}""", "Not authenticated")]
        [InlineData("\"plain JSON string\"", "plain JSON string")]
        public void StringUnderErrorMessageOrDetail(string body, string expected)
        {
            Assert.Equal(expected, ApiErrorMessage.Extract(body));
        }

        [Fact]
        public void ErrorIsPreferredOverMessageAndDetail()
        {
            Assert.Equal("first", ApiErrorMessage.Extract("""{"detail": "third", "message": "second", "error": "first"}"""));
        }

        [Fact]
        public void AnEmptyErrorFallsThroughToTheNextField()
        {
            Assert.Equal("second", ApiErrorMessage.Extract("""{"error": "", "message": "second"}"""));
        }

        [Fact]
        public void RateLimitBodyGivesItsError()
        {
            Assert.Equal("Rate limit exceeded. Please try again later.",
                ApiErrorMessage.Extract("""{"error": "Rate limit exceeded. Please try again later.", "retry_after": 37}"""));
        }

        [Fact]
        public void FastApiValidationListJoinsLocWithoutBody()
        {
            var body = """
                {"detail": [
                  {"type": "int_parsing", "loc": ["body", "autoscaling_settings", "max_replica"], "msg": "Input should be a valid integer", "input": "x"},
                  {"type": "missing", "loc": ["body", "name"], "msg": "Field required"}
                ]}
                """;

            Assert.Equal("autoscaling_settings.max_replica: Input should be a valid integer; name: Field required", ApiErrorMessage.Extract(body));
        }

        [Fact]
        public void NumericLocPartsAreKept()
        {
            var body = """{"detail": [{"loc": ["body", "schedules", 0, "name"], "msg": "Field required"}]}""";

            Assert.Equal("schedules.0.name: Field required", ApiErrorMessage.Extract(body));
        }

        [Fact]
        public void LocOfOnlyBodyGivesTheBareMessage()
        {
            Assert.Equal("Invalid JSON", ApiErrorMessage.Extract("""{"detail": [{"loc": ["body"], "msg": "Invalid JSON"}]}"""));
        }

        [Fact]
        public void ObjectUnderErrorGivesItsMessage()
        {
            Assert.Equal("quota exceeded", ApiErrorMessage.Extract("""{"error": {"code": "quota", "message": "quota exceeded"}}"""));
        }

        [Fact]
        public void JsonWithoutAKnownFieldGivesTheRawBody()
        {
            Assert.Equal("""{"code": 17}""", ApiErrorMessage.Extract("""  {"code": 17}  """));
        }

        [Fact]
        public void HtmlErrorPageGivesItsTitle()
        {
            var html = "<html><head><title>502 Bad Gateway</title></head><body>" + new string('x', 2000) + "</body></html>";

            Assert.Equal("HTML error page: 502 Bad Gateway", ApiErrorMessage.Extract(html));
        }

        [Fact]
        public void HtmlErrorPageWithoutTitleGivesItsTextShortened()
        {
            var html = "<!DOCTYPE html>\n<html><body><h1>Service &amp; gateway down</h1>\n<p>" + new string('x', 2000) + "</p></body></html>";

            var message = ApiErrorMessage.Extract(html);

            Assert.StartsWith("HTML error page: Service & gateway down x", message);
            Assert.DoesNotContain("<", message);
            Assert.True(message.Length <= ApiErrorMessage.MaxLength + 40);
        }

        [Fact]
        public void ShortPlainTextIsReturnedTrimmed()
        {
            Assert.Equal("Bad Gateway", ApiErrorMessage.Extract("  Bad Gateway\n"));
        }

        [Theory]
        [InlineData(null)]
        [InlineData("")]
        [InlineData("   \n ")]
        public void EmptyBodyGivesNull(string body)
        {
            Assert.Null(ApiErrorMessage.Extract(body));
        }

        [Fact]
        public void LongMessageInJsonIsTruncated()
        {
            var text = new string('m', 3000);

            var message = ApiErrorMessage.Extract("{\"error\": \"" + text + "\"}");

            Assert.StartsWith(new string('m', ApiErrorMessage.MaxLength), message);
            Assert.DoesNotContain(new string('m', ApiErrorMessage.MaxLength + 1), message);
            Assert.EndsWith("(3000 characters)", message);
        }

        [Fact]
        public void MessageOfExactlyMaxLengthIsNotTruncated()
        {
            var text = new string('m', ApiErrorMessage.MaxLength);

            Assert.Equal(text, ApiErrorMessage.Extract(text));
        }
    }
}
