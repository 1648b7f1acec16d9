using System;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.IO;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Threading;
using System.Threading.Tasks;

namespace Baseten.Core.Tests.Support
{
    /// <summary>One request as <see cref="RawHttpServer"/> read it off the wire.</summary>
    public sealed class RawRequest
    {
        public int Connection { get; init; }
        public string Method { get; init; }
        public string Target { get; init; }
        public string Body { get; init; }
    }

    /// <summary>What <see cref="RawHttpServer"/> does with a request: answer it (keeping the connection), or drop the connection.</summary>
    public sealed class RawAction
    {
        private RawAction()
        {
        }

        public int Status { get; private set; }
        public string Body { get; private set; }
        public bool Drop { get; private set; }
        public bool Reset { get; private set; }

        public static RawAction Answer(int status, string body) => new RawAction { Status = status, Body = body ?? string.Empty };

        /// <summary>Closes the connection without a byte of answer: with a TCP reset, or a plain FIN.</summary>
        public static RawAction DropConnection(bool reset) => new RawAction { Drop = true, Reset = reset };
    }

    /// <summary>
    /// A minimal HTTP/1.1 server over a raw socket, for what neither a stub handler nor the emulator controls exactly:
    /// keep-alive connections that are reused, then dropped after a request arrived. Records every request with the
    /// number of the connection it came on.
    /// </summary>
    public sealed class RawHttpServer : IDisposable
    {
        private readonly TcpListener _listener = new TcpListener(IPAddress.Loopback, 0);
        private readonly Func<RawRequest, RawAction> _decide;
        private readonly ConcurrentQueue<RawRequest> _requests = new ConcurrentQueue<RawRequest>();
        private readonly ConcurrentBag<TcpClient> _clients = new ConcurrentBag<TcpClient>();
        private int _connections;

        public RawHttpServer(Func<RawRequest, RawAction> decide)
        {
            _decide = decide;
            _listener.Start();
            BaseUri = new Uri("http://127.0.0.1:" + ((IPEndPoint)_listener.LocalEndpoint).Port + "/");
            _ = AcceptAsync();
        }

        public Uri BaseUri { get; }

        public IReadOnlyList<RawRequest> Requests => _requests.ToArray();

        public int Connections => Volatile.Read(ref _connections);

        private async Task AcceptAsync()
        {
            while (true)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync().ConfigureAwait(false);
                }
                catch (Exception)
                {
                    return; // stopped
                }
                _clients.Add(client);
                var number = Interlocked.Increment(ref _connections);
                _ = ServeAsync(client, number);
            }
        }

        private async Task ServeAsync(TcpClient client, int number)
        {
            try
            {
                var stream = client.GetStream();
                var reader = new StreamReader(stream, Encoding.UTF8);
                while (true)
                {
                    var requestLine = await reader.ReadLineAsync().ConfigureAwait(false);
                    if (string.IsNullOrEmpty(requestLine)) return;
                    var length = 0;
                    string header;
                    while (!string.IsNullOrEmpty(header = await reader.ReadLineAsync().ConfigureAwait(false)))
                    {
                        if (header.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase)) length = int.Parse(header.Substring(15).Trim());
                    }
                    var body = new char[length];
                    for (var read = 0; read < length;)
                    {
                        var got = await reader.ReadAsync(body, read, length - read).ConfigureAwait(false);
                        if (got == 0) return;
                        read += got;
                    }
                    var parts = requestLine.Split(' ');
                    var request = new RawRequest { Connection = number, Method = parts[0], Target = parts.Length > 1 ? parts[1] : string.Empty, Body = new string(body) };
                    _requests.Enqueue(request);

                    var action = _decide(request);
                    if (action.Drop)
                    {
                        if (action.Reset) client.Client.LingerState = new LingerOption(true, 0);
                        client.Close();
                        return;
                    }
                    var payload = Encoding.UTF8.GetBytes(action.Body);
                    var head = Encoding.ASCII.GetBytes("HTTP/1.1 " + action.Status + " Status\r\nContent-Type: application/json\r\nContent-Length: " + payload.Length + "\r\n\r\n");
                    await stream.WriteAsync(head, 0, head.Length).ConfigureAwait(false);
                    await stream.WriteAsync(payload, 0, payload.Length).ConfigureAwait(false);
                }
            }
            catch (Exception)
            {
                // The client went away; nothing to do.
            }
        }

        public void Dispose()
        {
            _listener.Stop();
            foreach (var client in _clients) client.Dispose();
        }
    }
}
