using System;
using System.Management.Automation;
using System.Net.Http;
using Baseten.Core.Http;
using Xunit;

namespace Baseten.PowerShell.Tests
{
    public class BasetenErrorsTests
    {
        private static readonly ApiErrorIds Ids = new ApiErrorIds(notFound: "EnvironmentNotFound", conflict: "EnvironmentAlreadyExists");
        private const string Target = "environment 'staging' of model 'm1'";

        private static BasetenApiException Api(int status, string message) =>
            new BasetenApiException(status, "Reason", message, "{\"error\": \"" + message + "\"}", "POST", "v1/models/m1/environments", null);

        [Theory]
        [InlineData(400, "ApiRequestRejected", ErrorCategory.InvalidArgument)]
        [InlineData(401, "AuthenticationFailed", ErrorCategory.AuthenticationError)]
        [InlineData(403, "PermissionDenied", ErrorCategory.PermissionDenied)]
        [InlineData(407, "ProxyAuthenticationRequired", ErrorCategory.AuthenticationError)]
        [InlineData(404, "EnvironmentNotFound", ErrorCategory.ObjectNotFound)]
        [InlineData(408, "RequestTimedOut", ErrorCategory.OperationTimeout)]
        [InlineData(409, "EnvironmentAlreadyExists", ErrorCategory.ResourceExists)]
        [InlineData(418, "ApiRequestRejected", ErrorCategory.InvalidOperation)]
        [InlineData(422, "ApiRequestRejected", ErrorCategory.InvalidArgument)]
        [InlineData(429, "RateLimited", ErrorCategory.LimitsExceeded)]
        [InlineData(500, "ApiUnavailable", ErrorCategory.ConnectionError)]
        [InlineData(503, "ApiUnavailable", ErrorCategory.ConnectionError)]
        [InlineData(302, "UnexpectedRedirect", ErrorCategory.ProtocolError)]
        public void ApiStatusesMapToErrorIdAndCategory(int status, string errorId, ErrorCategory category)
        {
            var message = "The API said " + status;
            var error = Api(status, message);

            var record = BasetenErrors.FromException(error, Target, Ids);

            Assert.Equal(errorId, record.FullyQualifiedErrorId);
            Assert.Equal(category, record.CategoryInfo.Category);
            Assert.Same(Target, record.TargetObject);
            Assert.Same(error, record.Exception);
            Assert.Equal(message, record.ErrorDetails.Message);
        }

        [Fact]
        public void DefaultConflictIdIsConflict()
        {
            var record = BasetenErrors.FromException(Api(409, "exists"), Target, new ApiErrorIds("ModelNotFound"));

            Assert.Equal("Conflict", record.FullyQualifiedErrorId);
        }

        [Theory]
        [InlineData(401)]
        [InlineData(403)]
        [InlineData(407)]
        [InlineData(429)]
        [InlineData(500)]
        public void SomeStatusesRecommendAnAction(int status)
        {
            var record = BasetenErrors.FromException(Api(status, "x"), Target, Ids);

            Assert.False(string.IsNullOrWhiteSpace(record.ErrorDetails.RecommendedAction));
        }

        [Fact]
        public void ApiErrorWithoutAMessageFallsBackToTheExceptionMessage()
        {
            var error = new BasetenApiException(502, "Bad Gateway", null, "", "GET", "v1/models", null);

            var record = BasetenErrors.FromException(error, Target, Ids);

            Assert.Equal(error.Message, record.ErrorDetails.Message);
            Assert.Contains("502", record.ErrorDetails.Message);
        }

        [Fact]
        public void ConnectionFailureIsApiUnreachable()
        {
            var error = new BasetenConnectionException(new Uri("https://api.baseten.co/"), "GET", "v1/models", new HttpRequestException("Connection refused"));

            var record = BasetenErrors.FromException(error, Target, Ids);

            Assert.Equal("ApiUnreachable", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.ConnectionError, record.CategoryInfo.Category);
            Assert.Same(Target, record.TargetObject);
            Assert.Equal(error.Message, record.ErrorDetails.Message);
            Assert.Contains("Connection refused", record.ErrorDetails.Message);
            Assert.NotNull(record.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void TimeoutIsRequestTimedOut()
        {
            var error = new BasetenTimeoutException(TimeSpan.FromSeconds(100), "GET", "v1/models", new OperationCanceledException());

            var record = BasetenErrors.FromException(error, Target, Ids);

            Assert.Equal("RequestTimedOut", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.OperationTimeout, record.CategoryInfo.Category);
            Assert.Same(Target, record.TargetObject);
            Assert.Equal(error.Message, record.ErrorDetails.Message);
            Assert.Contains("100 seconds", record.ErrorDetails.Message);
            Assert.Contains("TimeoutSec", record.ErrorDetails.RecommendedAction);
        }

        [Fact]
        public void BadResponseIsInvalidApiResponse()
        {
            var error = new BasetenResponseException("the body is empty.", 200, "", "GET", "v1/models");

            var record = BasetenErrors.FromException(error, Target, Ids);

            Assert.Equal("InvalidApiResponse", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidResult, record.CategoryInfo.Category);
            Assert.Same(Target, record.TargetObject);
            Assert.Equal(error.Message, record.ErrorDetails.Message);
        }

        [Fact]
        public void BaseUriRecordsTellInsecureFromInvalid()
        {
            var insecure = BasetenErrors.BaseUriRecord(new InsecureBaseUriException(new Uri("http://example.com")), "http://example.com");
            var invalid = BasetenErrors.BaseUriRecord(new ArgumentException("not absolute"), "x");

            Assert.Equal("InsecureBaseUri", insecure.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.SecurityError, insecure.CategoryInfo.Category);
            Assert.Equal("InvalidBaseUri", invalid.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.InvalidArgument, invalid.CategoryInfo.Category);
        }

        [Fact]
        public void NotConnectedRecordTellsHowToSignIn()
        {
            var record = BasetenErrors.NotConnectedRecord();

            Assert.Equal("NotConnected", record.FullyQualifiedErrorId);
            Assert.Equal(ErrorCategory.AuthenticationError, record.CategoryInfo.Category);
            Assert.Contains("Connect-Baseten", record.Exception.Message);
            Assert.Contains("BASETEN_API_KEY", record.Exception.Message);
        }
    }
}
