using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Net;
using System.Net.Http;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Baseten.Core.Tests.Support
{
    /// <summary>One request as the stub saw it; the body is read before the request is disposed.</summary>
    public sealed class SeenRequest
    {
        public HttpMethod Method { get; init; }
        public Uri RequestUri { get; init; }
        public string Authorization { get; init; }
        public string UserAgent { get; init; }
        public string ContentType { get; init; }
        public byte[] Body { get; init; }
        public string BodyText => Body == null ? null : Encoding.UTF8.GetString(Body);
    }

    /// <summary>An HttpMessageHandler that answers with a function and records what it was sent.</summary>
    public sealed class StubHandler : HttpMessageHandler
    {
        private readonly Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> _answer;
        private readonly ConcurrentQueue<SeenRequest> _seen = new ConcurrentQueue<SeenRequest>();

        public StubHandler(Func<HttpRequestMessage, CancellationToken, Task<HttpResponseMessage>> answer)
        {
            _answer = answer;
        }

        public IReadOnlyList<SeenRequest> Seen => _seen.ToArray();

        /// <summary>Always the same status and body (JSON content type).</summary>
        public static StubHandler Returning(HttpStatusCode status, string body, string mediaType = "application/json") =>
            new StubHandler((request, token) => Task.FromResult(Response(status, body, mediaType)));

        public static HttpResponseMessage Response(HttpStatusCode status, string body, string mediaType = "application/json")
        {
            var response = new HttpResponseMessage(status);
            if (body != null) response.Content = new StringContent(body, Encoding.UTF8, mediaType);
            return response;
        }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            _seen.Enqueue(new SeenRequest
            {
                Method = request.Method,
                RequestUri = request.RequestUri,
                Authorization = request.Headers.Authorization?.ToString(),
                UserAgent = request.Headers.TryGetValues("User-Agent", out var agents) ? string.Join(" ", agents) : null,
                ContentType = request.Content?.Headers.ContentType?.ToString(),
                Body = request.Content == null ? null : await request.Content.ReadAsByteArrayAsync(cancellationToken),
            });
            var response = await _answer(request, cancellationToken);
            response.RequestMessage ??= request;
            return response;
        }
    }

    /// <summary>An IHttpLog that keeps every line.</summary>
    public sealed class ListLog : Baseten.Core.Http.IHttpLog
    {
        private readonly ConcurrentQueue<string> _verbose = new ConcurrentQueue<string>();
        private readonly ConcurrentQueue<string> _debug = new ConcurrentQueue<string>();

        public ListLog(bool debug = false)
        {
            IsDebugEnabled = debug;
        }

        public bool IsDebugEnabled { get; }
        public IReadOnlyList<string> VerboseLines => _verbose.ToArray();
        public IReadOnlyList<string> DebugLines => _debug.ToArray();

        public IEnumerable<string> AllLines
        {
            get
            {
                foreach (var line in _verbose) yield return line;
                foreach (var line in _debug) yield return line;
            }
        }

        public void Verbose(string message) => _verbose.Enqueue(message);
        public void Debug(string message) => _debug.Enqueue(message);
    }
}
