using System;
using System.IO;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Emulator.Faults;
using Baseten.Emulator.Logging;
using Baseten.Emulator.State;

namespace Baseten.Emulator.Server
{
    /// <summary>
    /// Answers one request, in the order the real service decides: injected fault, then authentication,
    /// then routing (404/405), then body validation (400/422), then the resource's own rules. Every
    /// request, rejected or not, ends up in the log.
    /// </summary>
    internal sealed class RequestPipeline
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(false);

        private readonly Router router;
        private readonly Authenticator authenticator;
        private readonly FaultInjector faults;
        private readonly RequestLog log;
        private readonly EmulatorStore store;

        public RequestPipeline(Router router, Authenticator authenticator, FaultInjector faults, RequestLog log, EmulatorStore store)
        {
            this.router = router;
            this.authenticator = authenticator;
            this.faults = faults;
            this.log = log;
            this.store = store;
        }

        public async Task HandleAsync(HttpListenerContext context, CancellationToken stopping)
        {
            var arrived = DateTimeOffset.UtcNow;
            var request = await ReadAsync(context.Request).ConfigureAwait(false);
            ApiResponse response;
            try
            {
                response = await AnswerAsync(request, stopping).ConfigureAwait(false);
            }
            catch
            {
                // Stopped during an injected delay: the request still shows, answered with nothing (0).
                Record(request, null, arrived);
                throw;
            }

            // Logged before the answer goes out, so a client that has its response always finds its
            // request in the log, and sequential requests are logged in the order they were made.
            Record(request, response, arrived);
            await WriteAsync(context.Response, response).ConfigureAwait(false);
        }

        private void Record(ApiRequest request, ApiResponse response, DateTimeOffset arrived) =>
            log.Add(new RecordedRequest(
                request.Method,
                request.RawPath,
                request.RawQuery,
                request.Body,
                request.ContentType,
                request.UserAgent,
                Authenticator.SchemeOf(request.Authorization),
                response?.StatusCode ?? 0,
                response?.Body ?? string.Empty,
                arrived));

        private async Task<ApiResponse> AnswerAsync(ApiRequest request, CancellationToken stopping)
        {
            var fault = faults.Take(request.Method, request.Segments);
            if (fault != null)
            {
                if (fault.DelayMilliseconds > 0)
                {
                    await Task.Delay(fault.DelayMilliseconds, stopping).ConfigureAwait(false);
                }

                var injected = fault.ToResponse();
                if (injected != null)
                {
                    return injected;
                }
            }

            return Dispatch(request);
        }

        private ApiResponse Dispatch(ApiRequest request)
        {
            var access = authenticator.Authenticate(request.Authorization, out var failure);
            if (access == AccessLevel.None)
            {
                return ApiResponse.Error(401, failure);
            }

            if (access == AccessLevel.ReadOnly && request.IsChange)
            {
                return ApiResponse.Error(403, "This API key is read-only: it cannot " + request.Method + " resources.");
            }

            var match = router.Match(request.Method, request.Segments);
            if (match.Route == null)
            {
                if (!match.PathExists)
                {
                    return ApiResponse.Error(404, "Not found: " + request.Method + " " + request.RawPath);
                }

                var notAllowed = ApiResponse.Error(405, "Method " + request.Method + " is not allowed on " + request.RawPath);
                notAllowed.Headers["Allow"] = string.Join(", ", match.AllowedMethods);
                return notAllowed;
            }

            JsonObject body = null;
            if (match.Route.BodySchema != null)
            {
                var rejected = BodyBinder.Bind(request, match.Route.BodySchema, out body);
                if (rejected != null)
                {
                    return rejected;
                }
            }

            try
            {
                return match.Route.Handler(new RequestContext(request, match.Values, body, store));
            }
            catch (Exception e)
            {
                // A bug in the emulator: say so plainly rather than drop the connection.
                return ApiResponse.Error(500, "Emulator internal error: " + e.GetType().Name + ": " + e.Message);
            }
        }

        private static async Task<ApiRequest> ReadAsync(HttpListenerRequest request)
        {
            // RawUrl keeps the escaping as sent, which is what the log must show.
            var rawUrl = request.RawUrl ?? "/";
            var question = rawUrl.IndexOf('?');
            var rawPath = question < 0 ? rawUrl : rawUrl.Substring(0, question);
            var rawQuery = question < 0 ? string.Empty : rawUrl.Substring(question + 1);

            var body = string.Empty;
            if (request.HasEntityBody)
            {
                // The stream de-chunks transparently, so chunked bodies (HttpClient's PostAsJsonAsync) read like any other.
                using (var reader = new StreamReader(request.InputStream, Utf8))
                {
                    body = await reader.ReadToEndAsync().ConfigureAwait(false);
                }
            }

            return new ApiRequest(
                request.HttpMethod.ToUpperInvariant(),
                rawPath,
                rawQuery,
                body,
                request.ContentType,
                request.UserAgent,
                request.Headers["Authorization"]);
        }

        private static async Task WriteAsync(HttpListenerResponse response, ApiResponse answer)
        {
            var bytes = Utf8.GetBytes(answer.Body);
            response.StatusCode = answer.StatusCode;
            response.ContentType = "application/json";
            foreach (var header in answer.Headers)
            {
                response.AddHeader(header.Key, header.Value);
            }

            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            response.Close();
        }
    }
}
