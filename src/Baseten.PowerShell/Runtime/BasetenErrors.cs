using System;
using System.Management.Automation;
using Baseten.Core.Http;

namespace Baseten.PowerShell
{
    /// <summary>
    /// Turns failures into ErrorRecords with stable ErrorIds, fitting categories, the input as TargetObject and
    /// the API's own message in ErrorDetails. No text here ever holds the key: the core redacts bodies first.
    /// </summary>
    internal static class BasetenErrors
    {
        public const string NotConnected = "NotConnected";
        public const string InvalidBaseUri = "InvalidBaseUri";
        public const string InsecureBaseUri = "InsecureBaseUri";
        public const string AuthenticationFailed = "AuthenticationFailed";
        public const string ProxyAuthenticationRequired = "ProxyAuthenticationRequired";
        public const string PermissionDenied = "PermissionDenied";
        public const string ApiRequestRejected = "ApiRequestRejected";
        public const string RateLimited = "RateLimited";
        public const string ApiUnavailable = "ApiUnavailable";
        public const string ApiUnreachable = "ApiUnreachable";
        public const string RequestTimedOut = "RequestTimedOut";
        public const string UnexpectedRedirect = "UnexpectedRedirect";
        public const string InvalidApiResponse = "InvalidApiResponse";

        /// <summary>The record for a failed API call about <paramref name="target"/>.</summary>
        public static ErrorRecord FromException(BasetenException error, object target, ApiErrorIds ids)
        {
            switch (error)
            {
                case BasetenApiException api:
                    return FromStatus(api, target, ids);
                case BasetenTimeoutException timeout:
                    return Record(timeout, RequestTimedOut, ErrorCategory.OperationTimeout, target, timeout.Message,
                        "Try again later, or give requests more time with Connect-Baseten -TimeoutSec.");
                case BasetenConnectionException connection:
                    return Record(connection, ApiUnreachable, ErrorCategory.ConnectionError, target, connection.Message,
                        "Check the network and the base URI (Get-BasetenContext), then try again.");
                default:
                    return Record(error, InvalidApiResponse, ErrorCategory.InvalidResult, target, error.Message, null);
            }
        }

        private static ErrorRecord FromStatus(BasetenApiException api, object target, ApiErrorIds ids)
        {
            ids = ids ?? ApiErrorIds.Generic;
            var said = string.IsNullOrWhiteSpace(api.ApiMessage) ? api.Message : api.ApiMessage;
            var status = api.StatusCode;
            if (status == 401)
                return Record(api, AuthenticationFailed, ErrorCategory.AuthenticationError, target, said,
                    "Check the API key: Connect-Baseten -ApiKey (Read-Host -AsSecureString), or set $env:BASETEN_API_KEY.");
            if (status == 403)
                return Record(api, PermissionDenied, ErrorCategory.PermissionDenied, target, said,
                    "Use an API key whose team and permissions allow this change.");
            if (status == 407)
                return Record(api, ProxyAuthenticationRequired, ErrorCategory.AuthenticationError, target, said,
                    "The proxy refused the request: check Connect-Baseten -Proxy and -ProxyCredential.");
            if (status == 404) return Record(api, ids.NotFound, ErrorCategory.ObjectNotFound, target, said, null);
            if (status == 409) return Record(api, ids.Conflict, ErrorCategory.ResourceExists, target, said, null);
            if (status == 400 || status == 422) return Record(api, ApiRequestRejected, ErrorCategory.InvalidArgument, target, said, null);
            if (status == 429)
                return Record(api, RateLimited, ErrorCategory.LimitsExceeded, target, said,
                    "Baseten limits requests per API key; wait and try again.");
            if (status == 408) return Record(api, RequestTimedOut, ErrorCategory.OperationTimeout, target, said, null);
            if (status >= 500)
                return Record(api, ApiUnavailable, ErrorCategory.ConnectionError, target, said, "The API is having trouble; try again later.");
            if (status >= 300 && status < 400) return Record(api, UnexpectedRedirect, ErrorCategory.ProtocolError, target, said, null);
            return Record(api, ApiRequestRejected, ErrorCategory.InvalidOperation, target, said, null);
        }

        /// <summary>No key was found anywhere: nothing can be sent.</summary>
        public static ErrorRecord NotConnectedRecord() => new ErrorRecord(
            new InvalidOperationException(
                "No Baseten API key is available. Sign in with Connect-Baseten -ApiKey (Read-Host -AsSecureString 'Baseten API key'), " +
                "or, in a runbook, set the BASETEN_API_KEY environment variable (and BASETEN_API_URL for another endpoint)."),
            NotConnected, ErrorCategory.AuthenticationError, null);

        /// <summary>A base URI that cannot be used: not absolute, not http(s), or plain http off this machine.</summary>
        public static ErrorRecord BaseUriRecord(ArgumentException error, object target) =>
            error is InsecureBaseUriException
                ? new ErrorRecord(error, InsecureBaseUri, ErrorCategory.SecurityError, target)
                : new ErrorRecord(error, InvalidBaseUri, ErrorCategory.InvalidArgument, target);

        /// <summary>Input refused before sending (bad settings, reserved names).</summary>
        public static ErrorRecord InvalidInput(Exception error, string errorId, object target) =>
            new ErrorRecord(error, errorId, ErrorCategory.InvalidArgument, target);

        private static ErrorRecord Record(Exception error, string errorId, ErrorCategory category, object target, string message, string action)
        {
            var record = new ErrorRecord(error, errorId, category, target);
            record.ErrorDetails = new ErrorDetails(message);
            if (action != null) record.ErrorDetails.RecommendedAction = action;
            return record;
        }
    }
}
