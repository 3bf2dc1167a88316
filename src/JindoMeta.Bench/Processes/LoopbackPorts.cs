using System.Net;
using System.Net.Sockets;

namespace JindoMeta.Bench.Processes;

/// <summary>Free TCP ports on several loopback addresses at once (each cluster member binds its own, as hosts would).</summary>
public static class LoopbackPorts
{
    public static readonly string[] ThreeHosts = ["127.0.0.1", "127.0.0.2", "127.0.0.3"];

    /// <summary>A port that is free on every one of <paramref name="hosts"/> right now.</summary>
    public static int FreeOnEvery(IReadOnlyList<string> hosts)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            probe.Bind(new IPEndPoint(IPAddress.Parse(hosts[0]), 0));
            var port = ((IPEndPoint)probe.LocalEndPoint!).Port;
            try
            {
                foreach (var host in hosts.Skip(1))
                {
                    using var other = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                    other.Bind(new IPEndPoint(IPAddress.Parse(host), port));
                }

                return port;
            }
            catch (SocketException)
            {
                // taken on another address: try another
            }
        }

        throw new InvalidOperationException($"no port is free on {string.Join(", ", hosts)} at once after 20 tries");
    }
}
