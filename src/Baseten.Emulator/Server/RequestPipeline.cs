using System;
using System.Diagnostics;
using System.Globalization;
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
    /// then the per-key rate limit (when on), then routing (404/405), then body validation (400/422), then
    /// the resource's own rules. Every request, rejected, faulted or dropped, ends up in the log.
    /// </summary>
    internal sealed class RequestPipeline
    {
        private static readonly Encoding Utf8 = new UTF8Encoding(false);

        // How long a ResetMidResponse lets the bytes it sent reach the client before the reset.
        private const int ResetMidResponsePauseMilliseconds = 50;

        // How often a hanging request looks whether its client has given up.
        private const int HangPollMilliseconds = 200;

        // What a HugeBody streams: {"padding":"xxx...x"}, in slices of one shared, never-written buffer.
        private static readonly byte[] HugePrefix = Utf8.GetBytes("{\"padding\":\"");
        private static readonly byte[] HugeSuffix = Utf8.GetBytes("\"}");
        private static readonly byte[] HugePadding = CreatePadding(64 * 1024);

        private readonly Router router;
        private readonly Authenticator authenticator;
        private readonly FaultInjector faults;
        private readonly RateLimiter limiter;
        private readonly RequestLog log;
        private readonly EmulatorStore store;
        private long requestCount;

        public RequestPipeline(Router router, Authenticator authenticator, FaultInjector faults, RateLimiter limiter, RequestLog log, EmulatorStore store)
        {
            this.router = router;
            this.authenticator = authenticator;
            this.faults = faults;
            this.limiter = limiter;
            this.log = log;
            this.store = store;
        }

        /// <summary>Requests received so far, whatever became of them.</summary>
        public long RequestCount => Interlocked.Read(ref requestCount);

        public async Task HandleAsync(HttpListenerContext context, CancellationToken stopping)
        {
            var arrived = DateTimeOffset.UtcNow;
            var request = await ReadAsync(context.Request).ConfigureAwait(false);
            Interlocked.Increment(ref requestCount);

            var fault = faults.Take(request.Method, request.Segments);
            if (fault == null)
            {
                await AnswerAsync(context, request, Dispatch(request), arrived, null).ConfigureAwait(false);
                return;
            }

            if (fault.DelayMilliseconds > 0 && fault.Kind != FaultKind.Hang)
            {
                try
                {
                    await Task.Delay(fault.DelayMilliseconds, stopping).ConfigureAwait(false);
                }
                catch
                {
                    // Stopped during an injected delay: the request still shows, answered with nothing (0).
                    Record(request, null, arrived, fault, true);
                    throw;
                }
            }

            switch (fault.Kind)
            {
                case FaultKind.Delay:
                    await AnswerAsync(context, request, Dispatch(request), arrived, fault).ConfigureAwait(false);
                    return;

                case FaultKind.LoseResponse:
                    // The request really is processed (a create creates); only the answer never leaves.
                    Record(request, Dispatch(request), arrived, fault, true);
                    ConnectionReset.Reset(context);
                    return;

                case FaultKind.ResetBeforeResponse:
                    Record(request, null, arrived, fault, true);
                    ConnectionReset.Reset(context);
                    return;

                case FaultKind.Hang:
                    Record(request, null, arrived, fault, true);
                    await HangAsync(context, fault, stopping).ConfigureAwait(false);
                    ConnectionReset.Reset(context);
                    return;

                case FaultKind.HugeBody:
                    await StreamHugeBodyAsync(context, request, fault, arrived).ConfigureAwait(false);
                    return;

                case FaultKind.ResetMidResponse:
                    await ResetMidResponseAsync(context, request, fault, arrived, stopping).ConfigureAwait(false);
                    return;

                default:
                    await AnswerAsync(context, request, fault.ToResponse(), arrived, fault).ConfigureAwait(false);
                    return;
            }
        }

        private async Task AnswerAsync(HttpListenerContext context, ApiRequest request, ApiResponse response, DateTimeOffset arrived, Fault fault)
        {
            // Logged before the answer goes out, so a client that has its response always finds its
            // request in the log, and sequential requests are logged in the order they were made.
            Record(request, response, arrived, fault, false);
            await WriteAsync(context.Response, response).ConfigureAwait(false);
        }

        private void Record(ApiRequest request, ApiResponse response, DateTimeOffset arrived, Fault fault, bool responseLost) =>
            Record(request, response?.StatusCode ?? 0, response?.Body ?? string.Empty, arrived, fault, responseLost);

        private void Record(ApiRequest request, int statusCode, string responseBody, DateTimeOffset arrived, Fault fault, bool responseLost) =>
            log.Add(new RecordedRequest(
                request.Method,
                request.RawPath,
                request.RawQuery,
                request.Body,
                request.ContentType,
                request.UserAgent,
                Authenticator.SchemeOf(request.Authorization),
                statusCode,
                responseBody,
                arrived,
                fault?.Kind.ToString(),
                responseLost));

        /// <summary>Holds the request unanswered until the client gives up, the emulator stops or the fault's time is up.</summary>
        private static async Task HangAsync(HttpListenerContext context, Fault fault, CancellationToken stopping)
        {
            // Reachable on the managed listener only; on http.sys the hang ends on Stop or at the fault's time.
            var socket = ConnectionReset.SocketOf(context);
            var watch = Stopwatch.StartNew();
            try
            {
                while (!stopping.IsCancellationRequested)
                {
                    var wait = HangPollMilliseconds;
                    if (fault.DelayMilliseconds > 0)
                    {
                        var left = fault.DelayMilliseconds - watch.ElapsedMilliseconds;
                        if (left <= 0)
                        {
                            return;
                        }

                        wait = (int)Math.Min(wait, left);
                    }

                    await Task.Delay(wait, stopping).ConfigureAwait(false);
                    if (ConnectionReset.ClientHasGone(socket))
                    {
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
                // The emulator is stopping: the caller drops the connection.
            }
        }

        /// <summary>Sends the status, the headers (with the full Content-Length) and half the body, then resets.</summary>
        private async Task ResetMidResponseAsync(HttpListenerContext context, ApiRequest request, Fault fault, DateTimeOffset arrived, CancellationToken stopping)
        {
            var answer = fault.ToResponse();
            var bytes = Utf8.GetBytes(answer.Body);
            var declared = Math.Max(bytes.Length, 2);
            var sent = Math.Min(bytes.Length, declared / 2);
            Record(request, answer.StatusCode, Utf8.GetString(bytes, 0, sent), arrived, fault, true);

            var response = context.Response;
            StartResponse(response, answer);
            response.ContentLength64 = declared;
            await response.OutputStream.WriteAsync(bytes, 0, sent).ConfigureAwait(false);
            await response.OutputStream.FlushAsync().ConfigureAwait(false);
            try
            {
                // Let what was sent reach the client first, so it sees a cut-off body rather than no answer.
                await Task.Delay(ResetMidResponsePauseMilliseconds, stopping).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // Stopping: reset at once.
            }

            ConnectionReset.Reset(context);
        }

        /// <summary>Streams {"padding":"xxx..."} of exactly the fault's BodyBytes, chunked, never holding it in memory.</summary>
        private async Task StreamHugeBodyAsync(HttpListenerContext context, ApiRequest request, Fault fault, DateTimeOffset arrived)
        {
            var answer = new ApiResponse(fault.StatusCode, "(HugeBody: " + fault.BodyBytes + " bytes of JSON, streamed)") { ContentType = fault.ContentType };
            fault.AddRetryAfterHeader(answer);
            Record(request, answer, arrived, fault, false);

            var response = context.Response;
            StartResponse(response, answer);
            response.SendChunked = true;
            var output = response.OutputStream;
            await output.WriteAsync(HugePrefix, 0, HugePrefix.Length).ConfigureAwait(false);
            var left = fault.BodyBytes - HugePrefix.Length - HugeSuffix.Length;
            while (left > 0)
            {
                var slice = (int)Math.Min(left, HugePadding.Length);
                await output.WriteAsync(HugePadding, 0, slice).ConfigureAwait(false);
                left -= slice;
            }

            await output.WriteAsync(HugeSuffix, 0, HugeSuffix.Length).ConfigureAwait(false);
            response.Close();
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

            // Baseten limits each key; the emulator knows two keys, so the access level names the key.
            if (request.Segments.Count > 0 && request.Segments[0] == "v1")
            {
                var wait = limiter.Check(access.ToString());
                if (wait > 0)
                {
                    var throttled = Fault.RateLimitAnswer(wait);
                    throttled.Headers["Retry-After"] = wait.ToString(CultureInfo.InvariantCulture);
                    return throttled;
                }
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
            var bytes = Utf8.GetBytes(answer.Body ?? string.Empty);
            StartResponse(response, answer);
            response.ContentLength64 = bytes.Length;
            await response.OutputStream.WriteAsync(bytes, 0, bytes.Length).ConfigureAwait(false);
            response.Close();
        }

        private static void StartResponse(HttpListenerResponse response, ApiResponse answer)
        {
            response.StatusCode = answer.StatusCode;
            response.ContentType = answer.ContentType;
            foreach (var header in answer.Headers)
            {
                response.AddHeader(header.Key, header.Value);
            }
        }

        private static byte[] CreatePadding(int length)
        {
            var padding = new byte[length];
            for (var i = 0; i < padding.Length; i++)
            {
                padding[i] = (byte)'x';
            }

            return padding;
        }
    }
}
