using System;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Json;
using Baseten.Core.Models;

namespace Baseten.Core.Http
{
    /// <summary>
    /// The one HTTP core every cmdlet goes through: one pooled <see cref="HttpClient"/> for the process, the
    /// key added per request (so one pool serves any key), JSON in and out, diagnostics, and every failure
    /// turned into a <see cref="BasetenException"/>.
    /// </summary>
    public sealed class BasetenHttpClient : IDisposable
    {
        /// <summary>Larger answers are refused rather than read into memory (the API's are a few KB).</summary>
        public const int MaxResponseBytes = 16 * 1024 * 1024;

        private static readonly MediaTypeHeaderValue JsonContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };

        private readonly HttpClient _http;

        public BasetenHttpClient(string userAgent, HttpMessageHandler handler = null)
        {
            UserAgent = userAgent ?? throw new ArgumentNullException(nameof(userAgent));
            _http = new HttpClient(handler ?? CreateDefaultHandler(), disposeHandler: true)
            {
                // Each request gets its own deadline from its connection (see SendAsync), so one client serves all.
                Timeout = System.Threading.Timeout.InfiniteTimeSpan,
            };
        }

        public string UserAgent { get; }

        /// <summary>
        /// Redirects are not followed: a redirect could carry the key to another host. The API does not redirect,
        /// so a 3xx surfaces as an error naming where it pointed.
        /// </summary>
        public static HttpMessageHandler CreateDefaultHandler() => CreateHandler(null);

        /// <summary>
        /// The handler for one proxy setting: null means the system proxy and HTTPS_PROXY / HTTP_PROXY / NO_PROXY.
        /// </summary>
        public static HttpMessageHandler CreateHandler(ProxySettings proxy)
        {
            var handler = new HttpClientHandler
            {
                AllowAutoRedirect = false,
                AutomaticDecompression = DecompressionMethods.GZip | DecompressionMethods.Deflate,
                UseProxy = true,
            };
            if (proxy != null) handler.Proxy = proxy.ToWebProxy();
            return handler;
        }

        /// <summary>Sends a request, retrying transient failures, and reads the answer as <typeparamref name="T"/>.</summary>
        /// <param name="path">Relative to the base URI, already escaped (see <see cref="ApiPath"/>).</param>
        /// <param name="body">Serialized as JSON when not null.</param>
        public Task<T> SendAsync<T>(BasetenConnection connection, HttpMethod method, string path, object body,
            IHttpLog log, CancellationToken cancellationToken) where T : class =>
            SendAsync<T>(connection, method, path, body, null, log, cancellationToken);

        /// <summary>
        /// Sends a request with retries. Idempotent requests (GET, PUT, DELETE) are retried on every transient
        /// failure. A POST or PATCH is sent again only when the failure shows it did not take effect (429, 408,
        /// 503, no connection), or when <paramref name="readBack"/> shows it did not; when the read-back finds it
        /// did, its result is returned. Without a read-back such a request is never repeated after an ambiguous
        /// failure, so nothing is ever created twice.
        /// </summary>
        public async Task<T> SendAsync<T>(BasetenConnection connection, HttpMethod method, string path, object body,
            ReadBack<T> readBack, IHttpLog log, CancellationToken cancellationToken) where T : class
        {
            if (connection == null) throw new ArgumentNullException(nameof(connection));
            log = log ?? NullHttpLog.Instance;
            var policy = connection.RetryPolicy;
            var idempotent = method == HttpMethod.Get || method == HttpMethod.Put || method == HttpMethod.Delete || method == HttpMethod.Head;
            // The retry limit counts wall time from the first failure: waits, and read-backs with their own waits.
            Stopwatch sinceFirstFailure = null;
            var mayHaveApplied = false;
            for (var attempt = 1; ; attempt++)
            {
                BasetenException failure;
                try
                {
                    return await SendOnceAsync<T>(connection, method, path, body, log, cancellationToken).ConfigureAwait(false);
                }
                catch (BasetenException ex)
                {
                    failure = ex;
                }

                // A create answered "already exists" after an attempt whose answer was lost may be meeting itself.
                if (mayHaveApplied && readBack != null && failure is BasetenApiException conflict && conflict.StatusCode == 409)
                {
                    var own = await TryReadBackAsync(readBack, method, failure, log, cancellationToken).ConfigureAwait(false);
                    if (own != null) return own;
                    throw failure;
                }

                var kind = FailureClassifier.Classify(failure);
                if (kind == FailureKind.Permanent) throw failure;
                sinceFirstFailure = sinceFirstFailure ?? Stopwatch.StartNew();
                if (kind == FailureKind.Unknown && !idempotent)
                {
                    if (readBack == null)
                    {
                        log.Verbose($"Not retrying {method.Method} /{failure.Path}: {Describe(failure)}, and it may have taken effect.");
                        throw failure;
                    }
                    // Read back even when no retry is left: the change may have happened, and a re-run would then
                    // meet its own create as a conflict.
                    var applied = await TryReadBackAsync(readBack, method, failure, log, cancellationToken).ConfigureAwait(false);
                    if (applied != null) return applied;
                    mayHaveApplied = true;
                }
                if (attempt > policy.MaxRetries)
                {
                    if (policy.MaxRetries > 0) log.Verbose($"Giving up on {method.Method} /{failure.Path} after {attempt} attempts: {Describe(failure)}.");
                    throw failure;
                }

                var asked = (failure as BasetenApiException)?.RetryAfter;
                var wait = asked ?? policy.Backoff(attempt, NextJitter());
                var spent = sinceFirstFailure.Elapsed;
                if (spent + wait > policy.MaxRetryTime)
                {
                    log.Verbose(string.Format(CultureInfo.InvariantCulture,
                        "Not retrying {0} /{1} after {2}: a wait of {3:0.0} s would pass the {4:0.#} s retry limit ({5:0.0} s spent retrying so far).",
                        method.Method, failure.Path, Describe(failure), wait.TotalSeconds, policy.MaxRetryTime.TotalSeconds, spent.TotalSeconds));
                    throw failure;
                }
                log.Verbose(string.Format(CultureInfo.InvariantCulture,
                    "Retry {0} of {1} for {2} /{3} after {4}: waiting {5:0.0} s{6}.",
                    attempt, policy.MaxRetries, method.Method, failure.Path, Describe(failure), wait.TotalSeconds,
                    asked.HasValue ? " as the API asked" : string.Empty));
                await Task.Delay(wait, cancellationToken).ConfigureAwait(false);
            }
        }

        private static async Task<T> TryReadBackAsync<T>(ReadBack<T> readBack, HttpMethod method, BasetenException failure,
            IHttpLog log, CancellationToken cancellationToken) where T : class
        {
            log.Verbose($"The answer to {method.Method} /{failure.Path} was lost ({Describe(failure)}); reading back whether it took effect.");
            try
            {
                var found = await readBack(cancellationToken).ConfigureAwait(false);
                log.Verbose(found != null ? "It did: returning what it created." : "It did not: sending it again.");
                return found;
            }
            catch (BasetenException readBackFailure)
            {
                // Unknown whether it took effect: report the original failure rather than guess.
                log.Verbose($"Reading back failed too ({Describe(readBackFailure)}).");
                throw failure;
            }
        }

        private static string Describe(BasetenException failure)
        {
            switch (failure)
            {
                case BasetenApiException api: return $"{api.StatusCode} {api.ReasonPhrase}".TrimEnd();
                case BasetenConnectionException _: return "a connection failure";
                case BasetenTimeoutException _: return "a timeout";
                default: return "an unreadable answer";
            }
        }

        private readonly Random _random = new Random();

        /// <summary>A jitter draw; System.Random is not thread-safe, and pipelines may share this client.</summary>
        private double NextJitter()
        {
            lock (_random) return _random.NextDouble();
        }

        private async Task<T> SendOnceAsync<T>(BasetenConnection connection, HttpMethod method, string path, object body,
            IHttpLog log, CancellationToken cancellationToken)
        {
            var uri = new Uri(connection.BaseUri, path);
            var wirePath = uri.AbsolutePath.TrimStart('/');
            var payload = body == null ? null : JsonSerializer.SerializeToUtf8Bytes(body, body.GetType(), BasetenJson.Options);

            using (var request = BuildRequest(connection, method, uri, payload))
            using (var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                deadline.CancelAfter(connection.Timeout);
                if (log.IsDebugEnabled) log.Debug(DescribeRequest(request, payload, connection.ApiKey));
                var clock = Stopwatch.StartNew();
                try
                {
                    using (var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false))
                    {
                        var status = (int)response.StatusCode;
                        byte[] content;
                        try
                        {
                            content = await ReadCappedAsync(response, method.Method, wirePath, deadline.Token).ConfigureAwait(false);
                        }
                        catch (BasetenResponseException)
                        {
                            log.Verbose($"HTTP {method.Method} /{wirePath} -> {status} {response.ReasonPhrase}, body refused ({clock.ElapsedMilliseconds} ms)");
                            throw;
                        }
                        // A body cut off by the connection is logged once, below, as a connection failure.
                        log.Verbose($"HTTP {method.Method} /{wirePath} -> {status} {response.ReasonPhrase} ({clock.ElapsedMilliseconds} ms)");
                        if (log.IsDebugEnabled) log.Debug(DescribeResponse(response, content, connection.ApiKey));
                        if (status < 200 || status > 299) throw ApiError(response, content, method.Method, wirePath, connection.ApiKey);
                        return Deserialize<T>(content, status, method.Method, wirePath, connection.ApiKey);
                    }
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    log.Verbose($"HTTP {method.Method} /{wirePath} cancelled after {clock.ElapsedMilliseconds} ms");
                    throw;
                }
                catch (OperationCanceledException ex)
                {
                    log.Verbose($"HTTP {method.Method} /{wirePath} timed out after {clock.ElapsedMilliseconds} ms");
                    throw new BasetenTimeoutException(connection.Timeout, method.Method, wirePath, ex);
                }
                catch (HttpRequestException ex)
                {
                    log.Verbose($"HTTP {method.Method} /{wirePath} failed after {clock.ElapsedMilliseconds} ms: no answer");
                    throw new BasetenConnectionException(connection.BaseUri, method.Method, wirePath, ex);
                }
                catch (IOException ex)
                {
                    log.Verbose($"HTTP {method.Method} /{wirePath} failed after {clock.ElapsedMilliseconds} ms: connection lost");
                    throw new BasetenConnectionException(connection.BaseUri, method.Method, wirePath, ex);
                }
            }
        }

        private HttpRequestMessage BuildRequest(BasetenConnection connection, HttpMethod method, Uri uri, byte[] payload)
        {
            var request = new HttpRequestMessage(method, uri);
            // The scheme the create-environment page documents; the API also accepts Bearer.
            request.Headers.Authorization = new AuthenticationHeaderValue("Api-Key", connection.ApiKey);
            request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            if (payload != null)
            {
                request.Content = new ByteArrayContent(payload);
                request.Content.Headers.ContentType = JsonContentType;
            }
            return request;
        }

        private static async Task<byte[]> ReadCappedAsync(HttpResponseMessage response, string method, string path, CancellationToken token)
        {
            if (response.Content == null) return Array.Empty<byte>();
            var declared = response.Content.Headers.ContentLength;
            if (declared > MaxResponseBytes) throw TooLarge((int)response.StatusCode, method, path);
            using (var stream = await response.Content.ReadAsStreamAsync().ConfigureAwait(false))
            {
                // The usual case: a declared, acceptable length is read straight into one array, with the deadline
                // (HttpClient's own token covers only the headers when reading them first).
                if (declared.HasValue) return await ReadExactlyAsync(stream, (int)declared.Value, token).ConfigureAwait(false);
                return await ReadUntilEndAsync(stream, (int)response.StatusCode, method, path, token).ConfigureAwait(false);
            }
        }

        private static async Task<byte[]> ReadExactlyAsync(Stream stream, int length, CancellationToken token)
        {
            var body = new byte[length];
            var offset = 0;
            while (offset < length)
            {
                var read = await stream.ReadAsync(body, offset, length - offset, token).ConfigureAwait(false);
                if (read == 0) throw new IOException($"The connection closed after {offset} of {length} bytes of the answer.");
                offset += read;
            }
            return body;
        }

        private static async Task<byte[]> ReadUntilEndAsync(Stream stream, int status, string method, string path, CancellationToken token)
        {
            using (var buffer = new MemoryStream())
            {
                var chunk = new byte[16384];
                int read;
                while ((read = await stream.ReadAsync(chunk, 0, chunk.Length, token).ConfigureAwait(false)) > 0)
                {
                    if (buffer.Length + read > MaxResponseBytes) throw TooLarge(status, method, path);
                    buffer.Write(chunk, 0, read);
                }
                return buffer.ToArray();
            }
        }

        private static BasetenResponseException TooLarge(int status, string method, string path) =>
            new BasetenResponseException($"the body is larger than {MaxResponseBytes / (1024 * 1024)} MB, so it was not read.", status, null, method, path);

        private static BasetenApiException ApiError(HttpResponseMessage response, byte[] content, string method, string path, string apiKey)
        {
            var body = SecretRedactor.Redact(Encoding.UTF8.GetString(content), apiKey);
            var message = ApiErrorMessage.Extract(body);
            var status = (int)response.StatusCode;
            if (status >= 300 && status < 400 && response.Headers.Location != null)
                message = $"redirected to {response.Headers.Location}; redirects are not followed so the API key cannot reach another host.";
            var requestId = new[] { "x-request-id", "x-baseten-request-id", "request-id" }
                .Select(name => response.Headers.TryGetValues(name, out var values) ? values.FirstOrDefault() : null)
                .FirstOrDefault(value => value != null);
            var retryAfter = RetryAfter.Read(response.Headers, body, DateTimeOffset.UtcNow);
            return new BasetenApiException(status, response.ReasonPhrase, message, body, method, path, requestId, retryAfter);
        }

        private static T Deserialize<T>(byte[] content, int status, string method, string path, string apiKey)
        {
            if (content.Length == 0) throw new BasetenResponseException("the body is empty.", status, string.Empty, method, path);
            try
            {
                var result = JsonSerializer.Deserialize<T>(content, BasetenJson.Options);
                if (result == null) throw new BasetenResponseException("the body is JSON null.", status, "null", method, path);
                var missing = (result as ApiObject)?.MissingRequiredFields().Take(5).ToList();
                if (missing != null && missing.Count > 0)
                {
                    var start = ApiErrorMessage.Truncate(SecretRedactor.Redact(Encoding.UTF8.GetString(content), apiKey));
                    throw new BasetenResponseException($"the body is not the expected {typeof(T).Name}: it lacks {string.Join(", ", missing)}.", status, start, method, path);
                }
                return result;
            }
            catch (Exception ex) when (ex is JsonException || ex is NotSupportedException || ex is InvalidOperationException || ex is ArgumentException)
            {
                var start = SecretRedactor.Redact(Encoding.UTF8.GetString(content), apiKey);
                // The parser's message can quote the body, which may hold anything, the key included: it is
                // redacted, and the parser's exception is not kept as the inner one (its text is not).
                var reason = SecretRedactor.Redact(ex.Message, apiKey);
                throw new BasetenResponseException($"the body is not the expected {typeof(T).Name} JSON ({reason}).", status, ApiErrorMessage.Truncate(start), method, path);
            }
        }

        private static string DescribeRequest(HttpRequestMessage request, byte[] payload, string apiKey)
        {
            var text = new StringBuilder();
            text.Append("HTTP request: ").Append(request.Method.Method).Append(' ').Append(request.RequestUri.GetLeftPart(UriPartial.Path));
            // Authorization is never written, not even masked by the header machinery: only its scheme.
            text.Append("\nAuthorization: Api-Key ").Append(SecretRedactor.Mask);
            text.Append("\nUser-Agent: ").Append(request.Headers.UserAgent);
            if (payload != null) text.Append("\nBody: ").Append(SecretRedactor.Redact(Encoding.UTF8.GetString(payload), apiKey));
            return text.ToString();
        }

        private static string DescribeResponse(HttpResponseMessage response, byte[] content, string apiKey)
        {
            var text = new StringBuilder();
            text.Append("HTTP response: ").Append((int)response.StatusCode).Append(' ').Append(response.ReasonPhrase);
            text.Append("\nContent-Type: ").Append(response.Content?.Headers.ContentType);
            text.Append("\nBody: ").Append(SecretRedactor.Redact(Encoding.UTF8.GetString(content), apiKey));
            return text.ToString();
        }

        public void Dispose() => _http.Dispose();
    }
}
