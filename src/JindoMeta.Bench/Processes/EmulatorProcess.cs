using System.Diagnostics;
using System.Text;
using JindoMeta.TableStore.Emulator;

namespace JindoMeta.Bench.Processes;

/// <summary>
/// The Tablestore emulator command (tablestore-emulator.dll next to the benchmark) as a child process on a free
/// loopback port, durable in its own data directory (every request's changes synced before the reply, as the
/// service is durable), so its CPU is its own and can be read from /proc apart from the daemon's.
/// </summary>
public sealed class EmulatorProcess : IDisposable
{
    public const string Instance = "jindometa-bench";
    public const string AccessKeyId = "bench-id";

    // A throwaway credential of the emulator: it travels in the environment, not on the command line.
    public const string AccessKeySecret = "bench-secret";

    private EmulatorProcess(Process process, Uri endpoint)
    {
        Process = process;
        Endpoint = endpoint;
    }

    public Process Process { get; }

    public Uri Endpoint { get; }

    /// <summary>The daemon's `-D` settings that point namespace.ots.* at this emulator.</summary>
    public string[] DaemonSettings() =>
    [
        "-D", $"namespace.ots.endpoint={Endpoint}",
        "-D", $"namespace.ots.instance={Instance}",
        "-D", $"namespace.ots.accessKey={AccessKeyId}",
        "-D", $"namespace.ots.accessSecret={AccessKeySecret}",
    ];

    public static async Task<EmulatorProcess> StartAsync(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet",
            ["exec", typeof(TableStoreEmulator).Assembly.Location, "--port", "0", "--instance", Instance, "--access-key-id", AccessKeyId, "--data-dir", dataDirectory])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["TABLESTORE_EMULATOR_SECRET"] = AccessKeySecret;
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start tablestore-emulator (is `dotnet` on PATH?)");
        var stderr = process.StandardError.ReadToEndAsync();
        var seen = new StringBuilder();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            const string Marker = "listening on ";
            while (await process.StandardOutput.ReadLineAsync(timeout.Token).ConfigureAwait(false) is { } line)
            {
                var at = line.IndexOf(Marker, StringComparison.Ordinal);
                if (at >= 0)
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    return new EmulatorProcess(process, new Uri(line[(at + Marker.Length)..].Split(' ')[0]));
                }

                seen.AppendLine(line);
            }
        }
        catch (OperationCanceledException)
        {
            // falls through to the error below, with what the emulator printed
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync().ConfigureAwait(false);
        throw new InvalidOperationException($"tablestore-emulator did not listen within 60 s:\n{seen}{await stderr.ConfigureAwait(false)}");
    }

    /// <summary>SIGTERM: requests in flight finish and the store closes; false when it had to be killed after 30 s.</summary>
    public Task<bool> StopAsync() => Signals.TerminateAsync(Process, TimeSpan.FromSeconds(30));

    public void Dispose()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
            Process.WaitForExit();
        }

        Process.Dispose();
    }
}
