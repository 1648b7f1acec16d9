using System;
using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Baseten.Emulator.Server
{
    /// <summary>
    /// Drops a request's connection without an answer, and tells whether its client has gone.
    /// <para>
    /// On Windows (http.sys, .NET Framework and .NET alike) <see cref="HttpListenerResponse.Abort"/> does
    /// just that. The managed listener of Linux and macOS does not: its Abort first sends whatever headers
    /// were not sent yet (a "200 OK" with an empty body) and then closes politely. There the emulator
    /// reaches the connection's socket (a private field; looked up once, and when it is missing the
    /// emulator falls back to Abort) and closes it with a zero linger, which sends a TCP reset.
    /// </para>
    /// </summary>
    internal static class ConnectionReset
    {
        private const BindingFlags Private = BindingFlags.Instance | BindingFlags.NonPublic;

        // HttpListenerContext.Connection (an HttpConnection) and its _socket, in the managed listener only.
        private static readonly PropertyInfo ConnectionProperty = Find(() => typeof(HttpListenerContext).GetProperty("Connection", Private));
        private static readonly FieldInfo SocketField = Find(() => ConnectionProperty?.PropertyType.GetField("_socket", Private));

        /// <summary>The request's socket in the managed listener; null on http.sys or when it cannot be reached.</summary>
        public static Socket SocketOf(HttpListenerContext context)
        {
            if (SocketField == null || !typeof(Socket).IsAssignableFrom(SocketField.FieldType))
            {
                return null;
            }

            try
            {
                var connection = ConnectionProperty.GetValue(context);
                return connection == null ? null : SocketField.GetValue(connection) as Socket;
            }
            catch (Exception)
            {
                return null;
            }
        }

        /// <summary>Resets the connection at once: the client sees no more bytes than were already sent. Never throws.</summary>
        public static void Reset(HttpListenerContext context)
        {
            var socket = SocketOf(context);
            if (socket != null)
            {
                try
                {
                    socket.LingerState = new LingerOption(true, 0);
                    socket.Close();
                }
                catch (Exception)
                {
                    // Already closed: nothing more to drop.
                }
            }

            try
            {
                // On http.sys this is the reset; on the managed listener it now only tidies up (its writes
                // to the closed socket fail and are ignored) and forgets the connection.
                context.Response.Abort();
            }
            catch (Exception)
            {
                // Already gone.
            }
        }

        /// <summary>True when the client has closed its side (or the socket is gone); false when unknown or still open.</summary>
        public static bool ClientHasGone(Socket socket)
        {
            if (socket == null)
            {
                return false;
            }

            try
            {
                // Readable with nothing to read means the peer sent FIN (or RST).
                return socket.Poll(0, SelectMode.SelectRead) && socket.Available == 0;
            }
            catch (Exception)
            {
                return true;
            }
        }

        private static T Find<T>(Func<T> lookup)
            where T : class
        {
            try
            {
                return lookup();
            }
            catch (Exception)
            {
                return null;
            }
        }
    }
}
