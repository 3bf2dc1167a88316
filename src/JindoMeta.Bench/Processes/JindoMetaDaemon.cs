using System.Diagnostics;
using System.Text;
using System.Text.RegularExpressions;

namespace JindoMeta.Bench.Processes;

/// <summary>
/// The real `jindometa` daemon (jindometa.dll next to the benchmark) as a child process: started with its data
/// directory, bind address and port plus any `-D key=value` arguments, ready once it prints its serving line.
/// </summary>
public sealed partial class JindoMetaDaemon : IDisposable
{
    private readonly StringBuilder _output = new();

    private JindoMetaDaemon(Process process, string address, string? metricsUrl)
    {
        Process = process;
        Address = address;
        MetricsUrl = metricsUrl;
    }

    /// <summary>http://host:port/metrics as the daemon printed it; null when metrics are off.</summary>
    public string? MetricsUrl { get; }

    public Process Process { get; }

    /// <summary>host:port the daemon serves on.</summary>
    public string Address { get; }

    public static async Task<JindoMetaDaemon> StartAsync(string dataDirectory, string host, int port, IEnumerable<string> extraArguments)
    {
        Directory.CreateDirectory(dataDirectory);
        var start = new ProcessStartInfo("dotnet",
            [Path.Combine(AppContext.BaseDirectory, "jindometa.dll"), "-D", $"namespace.data.dir={dataDirectory}", "-D", "namespace.log.dir=",
             "-D", $"namespace.rpc.bind-host={host}", "-D", $"namespace.rpc.port={port}", "-D", "namespace.metrics.port=0", "-D", "namespace.log.level=warning",
             "-D", "namespace.permissions.superuser=root", .. extraArguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["DOTNET_gcServer"] = "1";
        var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start jindometa (is `dotnet` on PATH?)");
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var seen = new StringBuilder();
        try
        {
            while (await process.StandardOutput.ReadLineAsync(timeout.Token) is { } line)
            {
                if (ServingLine().Match(line) is { Success: true } match)
                {
                    _ = process.StandardOutput.ReadToEndAsync();
                    var metrics = MetricsLine().Match(seen.ToString());
                    return new JindoMetaDaemon(process, $"{match.Groups[1].Value}:{match.Groups[2].Value}", metrics.Success ? metrics.Groups[1].Value : null);
                }

                seen.AppendLine(line);
            }
        }
        catch (OperationCanceledException)
        {
            // falls through to the error below, with what the daemon printed
        }

        if (!process.HasExited)
        {
            process.Kill();
        }

        await process.WaitForExitAsync();
        throw new InvalidOperationException($"jindometa on {host}:{port} did not start within 60 s:\n{seen}{await stderr}");
    }

    /// <summary>The daemon's user + system CPU so far (for CPU per call over a measured window).</summary>
    public TimeSpan CpuTime()
    {
        Process.Refresh();
        return Process.TotalProcessorTime;
    }

    /// <summary>SIGTERM (calls in flight finish, the stores close), then waits; false when it had to be killed after <paramref name="timeout"/>.</summary>
    public Task<bool> TerminateAsync(TimeSpan timeout) => Signals.TerminateAsync(Process, timeout);

    /// <summary>SIGKILL (no chance to flush or close anything), then waits until the process is gone.</summary>
    public void Kill()
    {
        if (!Process.HasExited)
        {
            Process.Kill();
        }

        Process.WaitForExit();
    }

    public void Dispose()
    {
        Kill();
        Process.Dispose();
    }

    [GeneratedRegex(@"^jindometa: serving on ([0-9.]+):(\d+)$")]
    private static partial Regex ServingLine();

    [GeneratedRegex(@"^jindometa: metrics serving on (http://\S+/metrics)\r?$", RegexOptions.Multiline)]
    private static partial Regex MetricsLine();
}
