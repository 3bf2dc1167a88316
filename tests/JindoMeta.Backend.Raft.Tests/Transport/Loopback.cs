using System.Net;
using System.Net.Sockets;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>Loopback addresses and ports for nodes that run "on three hosts" of one machine.</summary>
internal static class Loopback
{
    /// <summary>127.0.0.<paramref name="nodeId"/>: every 127/8 address is loopback on Linux.</summary>
    public static IPAddress AddressOf(ulong nodeId) => IPAddress.Parse($"127.0.0.{nodeId}");

    /// <summary>A port free on <paramref name="address"/> right now (bound to port 0 and released): initial-conf must
    /// name every port before any node starts.</summary>
    public static int FreePort(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }

    public static async Task WaitUntilAsync(Func<bool> condition, string what, int timeoutSeconds = 60)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"timed out after {timeoutSeconds} s waiting until {what}");
            }

            await Task.Delay(20);
        }
    }
}
