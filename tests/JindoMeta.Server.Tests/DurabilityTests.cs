using System.Collections.Concurrent;
using Grpc.Core;
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
            using var killing = new CancellationTokenSource();
            var before = acknowledged.Count;
            var load = RunLoad(daemon.Address, round, acknowledged, killing.Token);
            // The kill lands in running load: first some acknowledgements (first calls are slow on a busy machine).
            for (var waited = 0; acknowledged.Count < before + Clients && waited < 600; waited++)
            {
                await Task.Delay(50);
            }

            await Task.Delay(random.Next(300, 1200));
            await killing.CancelAsync(); // from here on, errors are the kill's doing; calls stay in flight
            await daemon.KillAsync();
            await load;
        }

        await using var final = await DaemonProcess.StartAsync(_temp.Sub("data"));
        await CheckPresent(final, acknowledged);
        output.WriteLine($"{acknowledged.Count} acknowledged operations present after 3 SIGKILLs (seed {seed})");
        Assert.True(acknowledged.Count > Clients, "too few operations were acknowledged for the test to mean anything");
    }

    [Theory]
    [InlineData(15)] // SIGTERM: systemd stop
    [InlineData(2)]  // SIGINT: Ctrl-C in a terminal
    public async Task A_stop_signal_lets_calls_in_flight_finish_and_exits_cleanly(int signal)
    {
        var acknowledged = new ConcurrentBag<(string Path, long Length)>();
        await using (var daemon = await DaemonProcess.StartAsync(_temp.Sub("data")))
        {
            using var terminating = new CancellationTokenSource();
            var load = RunLoad(daemon.Address, 0, acknowledged, terminating.Token);
            await Task.Delay(500);
            await terminating.CancelAsync();
            var exitCode = await daemon.SignalAsync(signal);
            await load;
            Assert.Equal(0, exitCode);
            Assert.Contains("Stopped: every store closed", daemon.Output, StringComparison.Ordinal);
        }

        await using var restarted = await DaemonProcess.StartAsync(_temp.Sub("data"));
        await CheckPresent(restarted, acknowledged);
    }

    /// <summary>
    /// Each client creates directories and completed files in its own subtree until the daemon is gone. The test
    /// cancels <paramref name="dying"/> just before it kills or terminates the daemon; only then are connection
    /// errors expected (any error before fails the test). Kill timing comes from Environment.TickCount: it is not replayable, the seed is printed anyway.
    /// </summary>
    private static Task RunLoad(string address, int round, ConcurrentBag<(string, long)> acknowledged, CancellationToken dying) =>
        Task.WhenAll(Enumerable.Range(0, Clients).Select(client => Task.Run(async () =>
        {
            using var rpc = new RawClient(address);
            for (var i = 0; ; i++)
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
                catch (Exception e) when (dying.IsCancellationRequested && IsConnectionLoss(e))
                {
                    return; // the daemon went away: whatever was not acknowledged may or may not be there
                }
            }
        })));

    /// <summary>What a call sees when the daemon dies under it; any other error (or any error before) fails the test.</summary>
    private static bool IsConnectionLoss(Exception e) => e switch
    {
        RpcException rpc => rpc.StatusCode is StatusCode.Unavailable or StatusCode.Internal or StatusCode.Unknown or StatusCode.Cancelled,
        HttpRequestException or IOException or OperationCanceledException => true,
        _ => false,
    };

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
