using System;
using System.Net.Sockets;

namespace Baseten.Core.Http
{
    /// <summary>Sorts failed attempts into what may be retried and whether the request could have taken effect.</summary>
    public static class FailureClassifier
    {
        public static FailureKind Classify(BasetenException error)
        {
            switch (error)
            {
                case BasetenApiException api: return ForStatus(api.StatusCode);
                case BasetenConnectionException connection: return NeverConnected(connection) ? FailureKind.NotApplied : FailureKind.Unknown;
                default: return FailureKind.Permanent; // timeouts (the caller's limit), unreadable 2xx answers
            }
        }

        /// <summary>
        /// 429 and 408 refuse the request before it is handled; 503 is the API (or its gateway) not taking
        /// requests. 502 and 504 are a gateway that lost the API's answer: the API may have acted.
        /// Every other status is final: never 400, 401, 403, 404, 409 or 422, and not 500 (a bug, not a blip).
        /// </summary>
        public static FailureKind ForStatus(int status)
        {
            switch (status)
            {
                case 408:
                case 429:
                case 503:
                    return FailureKind.NotApplied;
                case 502:
                case 504:
                    return FailureKind.Unknown;
                default:
                    return FailureKind.Permanent;
            }
        }

        /// <summary>Refused, unresolvable or unreachable: nothing was sent, so nothing can have happened.</summary>
        private static bool NeverConnected(Exception error)
        {
            for (var inner = error.InnerException; inner != null; inner = inner.InnerException)
            {
                if (inner is SocketException socket)
                {
                    switch (socket.SocketErrorCode)
                    {
                        case SocketError.ConnectionRefused:
                        case SocketError.HostNotFound:
                        case SocketError.TryAgain:
                        case SocketError.NoData:
                        case SocketError.NetworkUnreachable:
                        case SocketError.HostUnreachable:
                        case SocketError.AddressNotAvailable:
                            return true;
                    }
                }
            }
            return false;
        }
    }
}
