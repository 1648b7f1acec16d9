using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Net;
using System.Net.Http;
using System.Net.Sockets;
using System.Threading;
using System.Threading.Tasks;
using Baseten.Core.Http;

namespace Baseten.Core.Tests.Support
{
    /// <summary>One scripted answer of a <see cref="ScriptedServer"/>: a response, or an exception thrown after the request was sent.</summary>
    public delegate Task<HttpResponseMessage> ScriptStep(HttpRequestMessage request, CancellationToken cancellationToken);

    /// <summary>
    /// A <see cref="StubHandler"/> that answers a scripted sequence, one step per request (the last step repeats),
    /// and notes when each request arrived, so a test can see how long the client waited between attempts.
    /// </summary>
    public sealed class ScriptedServer
    {
        private readonly ConcurrentQueue<ScriptStep> _steps;
        private readonly ScriptStep _last;
        private readonly Stopwatch _clock = Stopwatch.StartNew();
        private readonly ConcurrentQueue<TimeSpan> _arrivals = new ConcurrentQueue<TimeSpan>();

        public ScriptedServer(params ScriptStep[] steps)
        {
            if (steps == null || steps.Length == 0) throw new ArgumentException("Give at least one step.", nameof(steps));
            _steps = new ConcurrentQueue<ScriptStep>(steps);
            _last = steps[steps.Length - 1];
            Handler = new StubHandler((request, token) =>
            {
                _arrivals.Enqueue(_clock.Elapsed);
                var step = _steps.TryDequeue(out var next) ? next : _last;
                return step(request, token);
            });
        }

        public StubHandler Handler { get; }

        /// <summary>The requests seen, oldest first.</summary>
        public IReadOnlyList<SeenRequest> Seen => Handler.Seen;

        /// <summary>When each request arrived, measured from the creation of the script.</summary>
        public IReadOnlyList<TimeSpan> Arrivals => _arrivals.ToArray();

        /// <summary>An answer with this status and body (JSON unless it starts with '&lt;'), and optionally a raw Retry-After header.</summary>
        public static ScriptStep Status(int status, string body = null, string retryAfterHeader = null) =>
            (request, token) =>
            {
                var response = StubHandler.Response((HttpStatusCode)status, body ?? string.Empty,
                    body != null && body.TrimStart().StartsWith("<", StringComparison.Ordinal) ? "text/html" : "application/json");
                if (retryAfterHeader != null) response.Headers.TryAddWithoutValidation("Retry-After", retryAfterHeader);
                return Task.FromResult(response);
            };

        public static ScriptStep Ok(string json) => Status(200, json);

        /// <summary>Baseten's documented 429 body, asking for <paramref name="seconds"/>.</summary>
        public static ScriptStep RateLimited(double seconds) => Status(429, RateLimitBody(seconds));

        public static string RateLimitBody(double seconds) =>
            "{\"error\": \"Rate limit exceeded. Please try again later.\", \"retry_after\": " + seconds.ToString("R", CultureInfo.InvariantCulture) + "}";

        /// <summary>Throws after the request was sent (the handler has already recorded it).</summary>
        public static ScriptStep Throw(Func<Exception> error) => (request, token) => Task.FromException<HttpResponseMessage>(error());

        /// <summary>Never answers: waits until the token (the caller's or the per-attempt deadline) is cancelled.</summary>
        public static ScriptStep Hang() =>
            async (request, token) =>
            {
                await Task.Delay(Timeout.Infinite, token).ConfigureAwait(false);
                throw new InvalidOperationException("unreachable");
            };

        /// <summary>How SocketsHttpHandler reports a connection reset by the peer after the request went out.</summary>
        public static Exception ConnectionReset() =>
            new HttpRequestException("An error occurred while sending the request.",
                new IOException("Unable to read data from the transport connection: Connection reset by peer.",
                    new SocketException((int)SocketError.ConnectionReset)));

        /// <summary>The same reset surfacing as a bare IOException (as a read of the body would).</summary>
        public static Exception ConnectionResetIo() =>
            new IOException("Unable to read data from the transport connection: Connection reset by peer.",
                new SocketException((int)SocketError.ConnectionReset));

        /// <summary>How SocketsHttpHandler reports a refused connection: nothing was sent.</summary>
        public static Exception ConnectionRefused() =>
            new HttpRequestException("Connection refused (api.example.test:443)", new SocketException((int)SocketError.ConnectionRefused));

        public static Exception HostNotFound() =>
            new HttpRequestException("Name or service not known (api.example.test:443)", new SocketException((int)SocketError.HostNotFound));
    }

    /// <summary>A <see cref="ReadBack{T}"/> that answers a scripted sequence (an object, null, or an exception) and counts its calls.</summary>
    public sealed class ScriptedReadBack<T> where T : class
    {
        private readonly ConcurrentQueue<Func<T>> _answers;
        private readonly Func<T> _last;
        private int _calls;

        public ScriptedReadBack(params Func<T>[] answers)
        {
            if (answers == null || answers.Length == 0) throw new ArgumentException("Give at least one answer.", nameof(answers));
            _answers = new ConcurrentQueue<Func<T>>(answers);
            _last = answers[answers.Length - 1];
        }

        public int Calls => Volatile.Read(ref _calls);

        public ReadBack<T> Delegate => token =>
        {
            Interlocked.Increment(ref _calls);
            var answer = _answers.TryDequeue(out var next) ? next : _last;
            try
            {
                return Task.FromResult(answer());
            }
            catch (Exception error)
            {
                return Task.FromException<T>(error);
            }
        };

        public static Func<T> Returns(T value) => () => value;

        public static Func<T> NotFound() => () => null;

        public static Func<T> Fails(Func<Exception> error) => () => throw error();
    }
}
