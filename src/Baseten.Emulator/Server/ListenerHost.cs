using System;
using System.Collections.Concurrent;
using System.Net;
using System.Threading;
using System.Threading.Tasks;

namespace Baseten.Emulator.Server
{
    /// <summary>
    /// Owns the HttpListener: binds it on loopback, accepts requests and hands each one to its own task,
    /// so many can be in flight at once (a delayed fault does not hold up the others).
    /// </summary>
    internal sealed class ListenerHost
    {
        private const int BindAttempts = 5;

        // ERROR_ACCESS_DENIED from http.sys: a non-admin Windows user may not bind 127.0.0.1 without a URL ACL.
        private const int AccessDenied = 5;

        private readonly HttpListener listener;
        private readonly CancellationTokenSource stopping = new CancellationTokenSource();
        private readonly Func<HttpListenerContext, CancellationToken, Task> handle;

        // Requests being handled, so Stop can drop their connections (see Stop).
        private readonly ConcurrentDictionary<HttpListenerContext, bool> inFlight = new ConcurrentDictionary<HttpListenerContext, bool>();
        private int stopped;

        private ListenerHost(HttpListener listener, Uri baseUri, Func<HttpListenerContext, CancellationToken, Task> handle)
        {
            this.listener = listener;
            this.handle = handle;
            BaseUri = baseUri;
        }

        public Uri BaseUri { get; }

        public bool IsRunning => Volatile.Read(ref stopped) == 0;

        /// <summary>Binds <paramref name="port"/>, or a free port when it is 0 (retrying if another process takes it first).</summary>
        public static ListenerHost Start(int port, Func<HttpListenerContext, CancellationToken, Task> handle)
        {
            var attempts = port == 0 ? BindAttempts : 1;
            for (var attempt = 1; ; attempt++)
            {
                var candidate = port == 0 ? PortPicker.FreeLoopbackPort() : port;
                try
                {
                    var host = Bind(candidate, handle);
                    host.AcceptLoop();
                    return host;
                }
                catch (HttpListenerException) when (attempt < attempts)
                {
                    // The port was taken between picking and binding: pick another.
                }
            }
        }

        public void Stop()
        {
            if (Interlocked.Exchange(ref stopped, 1) == 1)
            {
                return;
            }

            // Cancel first so requests waiting on an injected delay give up at once.
            try
            {
                stopping.Cancel();
            }
            catch (AggregateException)
            {
                // A callback threw; stopping goes on regardless.
            }

            // Reset what is still in flight (a hang, a delay, a stream): the managed listener of Linux and
            // macOS would otherwise answer each with an empty "200 OK" as it closes.
            foreach (var context in inFlight.Keys)
            {
                ConnectionReset.Reset(context);
            }

            try
            {
                // Abort, not Close: Close waits for queued requests, and Stop must be quick.
                listener.Abort();
            }
            catch (Exception)
            {
                // Stop never throws: the listener is going away either way.
            }
        }

        private static ListenerHost Bind(int port, Func<HttpListenerContext, CancellationToken, Task> handle)
        {
            var uri = new Uri("http://127.0.0.1:" + port + "/");
            var listener = new HttpListener();
            listener.Prefixes.Add(uri.AbsoluteUri);
            try
            {
                listener.Start();
            }
            catch (HttpListenerException e) when (e.ErrorCode == AccessDenied)
            {
                // Windows http.sys lets any user bind "localhost" but only admins "127.0.0.1".
                listener.Close();
                uri = new Uri("http://localhost:" + port + "/");
                listener = new HttpListener();
                listener.Prefixes.Add(uri.AbsoluteUri);
                listener.Start();
            }
            catch
            {
                listener.Close();
                throw;
            }

            return new ListenerHost(listener, uri, handle);
        }

        private async void AcceptLoop()
        {
            // async void is deliberate: the loop is fire-and-forget and catches everything itself.
            while (IsRunning)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    if (!IsRunning || !listener.IsListening)
                    {
                        return;
                    }

                    continue;
                }

                inFlight[context] = true;
                _ = Task.Run(() => HandleSafely(context));
            }
        }

        private async Task HandleSafely(HttpListenerContext context)
        {
            try
            {
                await handle(context, stopping.Token).ConfigureAwait(false);
            }
            catch (Exception)
            {
                // The client went away or the emulator stopped mid-answer: drop the connection without
                // sending anything more (a plain Abort on Linux and macOS would still send a 200 first).
                ConnectionReset.Reset(context);
            }
            finally
            {
                inFlight.TryRemove(context, out _);
            }
        }
    }
}
