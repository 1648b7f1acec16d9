using System.Net;
using System.Net.Sockets;

namespace Baseten.Emulator.Server
{
    /// <summary>
    /// HttpListener cannot bind port 0, so ask the OS for a free loopback port and release it at once.
    /// Another process can take it in between; <see cref="ListenerHost"/> retries in that case.
    /// </summary>
    internal static class PortPicker
    {
        public static int FreeLoopbackPort()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            try
            {
                return ((IPEndPoint)probe.LocalEndpoint).Port;
            }
            finally
            {
                probe.Stop();
            }
        }
    }
}
