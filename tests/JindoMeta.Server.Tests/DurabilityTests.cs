using System.Collections.Concurrent;
using JindoMeta.Rpc;
using JindoMeta.Server.Tests.Support;
using Xunit.Abstractions;

namespace JindoMeta.Server.Tests;

/// <summary>
/// Through the whole stack: clients call the daemon concurrently, the daemon is SIGKILLed (or SIGTERMed) at a
/// random moment, restarted on the same data, and every acknowledged operation must be there.
/// </summary>
public sealed class DurabilityTests(ITestOutputHelper output) : IDisposable
{
    private const int Clients = 16;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Every_acknowledged_mkdir_and_file_survives_SIGKILL_of_the_daemon()
    {
        var seed = Environment.TickCount;
        var random = new Random(seed);
        var acknowledged = new ConcurrentBag<(string Path, long Length)>();
        for (var round = 0; round < 3; round++)
        {
            await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));
            await CheckPresent(daemon, acknowledged);
            using var stop = new CancellationTokenSource();
            var load = RunLoad(daemon.Address, round, acknowledged, stop.Token);
            await Task.Delay(random.Next(300, 1200));
            await daemon.KillAsync();
            await stop.CancelAsync();
            await load;
        }

        await using var final = await DaemonProcess.StartAsync(_temp.Sub("data"));
        await CheckPresent(final, acknowledged);
        output.WriteLine($"{acknowledged.Count} acknowledged operations present after 3 SIGKILLs (seed {seed})");
        Assert.True(acknowledged.Count > Clients, "too few operations were acknowledged for the test to mean anything");
    }

    [Fact]
    public async Task SIGTERM_lets_calls_in_flight_finish_and_exits_cleanly()
    {
        var acknowledged = new ConcurrentBag<(string Path, long Length)>();
        await using (var daemon = await DaemonProcess.StartAsync(_temp.Sub("data")))
        {
            using var stop = new CancellationTokenSource();
            var load = RunLoad(daemon.Address, 0, acknowledged, stop.Token);
            await Task.Delay(500);
            var exitCode = await daemon.TerminateAsync();
            await stop.CancelAsync();
            await load;
            Assert.Equal(0, exitCode);
            Assert.Contains("Stopped: every store closed", daemon.Output, StringComparison.Ordinal);
        }

        await using var restarted = await DaemonProcess.StartAsync(_temp.Sub("data"));
        await CheckPresent(restarted, acknowledged);
    }

    /// <summary>Each client creates directories and completed files in its own subtree until stopped or cut off.</summary>
    private static Task RunLoad(string address, int round, ConcurrentBag<(string, long)> acknowledged, CancellationToken stop) =>
        Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var rpc = new RawClient(address);
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                var dir = $"/r{round}/c{client}/d{i}";
                try
                {
                    await rpc.MkdirsAsync(dir);
                    acknowledged.Add((dir, -1));
                    await rpc.CreateAsync(dir + "/f");
                    await rpc.CompleteAsync(dir + "/f", i + 1);
                    acknowledged.Add((dir + "/f", i + 1));
                }
                catch (Exception e) when (e is RpcException or HttpRequestException or IOException or OperationCanceledException)
                {
                    return; // the daemon went away: whatever was not acknowledged may or may not be there
                }
            }
        })));

    private static async Task CheckPresent(DaemonProcess daemon, IEnumerable<(string Path, long Length)> acknowledged)
    {
        using var rpc = new RawClient(daemon.Address);
        foreach (var (path, length) in acknowledged)
        {
            var status = (await rpc.GetFileInfoAsync(path)).Status;
            if (length >= 0)
            {
                Assert.True(status.Length == length && !status.UnderConstruction, $"{path}: acknowledged as closed with {length} bytes, found {status}");
            }
        }
    }
}
