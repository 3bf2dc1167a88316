using System.Net.Sockets;
using System.Text;
using JindoMeta.Server.Tests.Support;

namespace JindoMeta.Server.Tests;

/// <summary>
/// Type=notify readiness: systemd hands the daemon a datagram socket in NOTIFY_SOCKET; READY=1 must arrive only
/// once the port serves, STOPPING=1 when a stop begins. (Microsoft.Extensions.Hosting.Systemd was not adopted: it
/// acts only when the parent process is systemd itself, so it does nothing here or under other supervisors.)
/// </summary>
public sealed class SystemdNotifyTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Ready_is_sent_once_serving_and_stopping_when_terminated()
    {
        var path = _temp.Sub("notify.sock");
        using var socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(path));

        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"), new Dictionary<string, string> { ["NOTIFY_SOCKET"] = path });
        Assert.Equal("READY=1", await ReceiveAsync(socket));
        using (var client = new RawClient(daemon.Address))
        {
            await client.MkdirsAsync("/ready"); // READY meant what it said
        }

        var exit = daemon.TerminateAsync();
        Assert.Equal("STOPPING=1", await ReceiveAsync(socket));
        Assert.Equal(0, await exit);
    }

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var count = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, count);
    }
}
