using System.Net.Sockets;
using System.Text;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// sd_notify for a Type=notify unit: one datagram to $NOTIFY_SOCKET ("READY=1" once serving, "STOPPING=1" on
/// shutdown). Does nothing when not started by systemd.
/// </summary>
public static class SystemdNotifier
{
    public static bool Notify(string state)
    {
        var path = Environment.GetEnvironmentVariable("NOTIFY_SOCKET");
        if (string.IsNullOrEmpty(path))
        {
            return false;
        }

        // A leading '@' names a socket in the abstract namespace.
        var endpoint = new UnixDomainSocketEndPoint(path[0] == '@' ? "\0" + path[1..] : path);
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.SendTo(Encoding.UTF8.GetBytes(state), endpoint);
        return true;
    }
}
