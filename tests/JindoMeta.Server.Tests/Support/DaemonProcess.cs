using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace JindoMeta.Server.Tests.Support;

/// <summary>
/// The real `jindometa` daemon as a child process on a free loopback port, with its data in a given directory.
/// </summary>
public sealed partial class DaemonProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly TaskCompletionSource<int> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private DaemonProcess(Process process)
    {
        _process = process;
    }

    public int Port { get; private set; }

    /// <summary>The address the daemon said it serves on (its bind address, or 127.0.0.1 when it binds every address).</summary>
    public string Host { get; private set; } = "127.0.0.1";

    public string Address => $"{Host}:{Port}";

    /// <summary>http://host:port/metrics as the daemon printed it; null when metrics are off.</summary>
    public string? MetricsUrl { get; private set; }

    public bool HasExited => _process.HasExited;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>
    /// The daemon's log lines at error or fatal level (Serilog's EROR / FATL), each with what followed it up to the
    /// next log line (a stack trace). A client's bad input is that client's problem: it must never log one.
    /// </summary>
    public IReadOnlyList<string> ErrorLogEntries()
    {
        var entries = new List<string>();
        var inError = false;
        foreach (var line in Output.Split('\n'))
        {
            if (LogLine().Match(line) is { Success: true } match)
            {
                inError = match.Groups[1].Value is "EROR" or "FATL";
                if (inError)
                {
                    entries.Add(line);
                }
            }
            else if (inError && line.Length > 0)
            {
                entries[^1] += "\n" + line;
            }
        }

        return entries;
    }

    public static string DaemonDll => Path.Combine(AppContext.BaseDirectory, "jindometa.dll");

    /// <summary>Starts the daemon on 127.0.0.1 with an OS-chosen port and waits until it serves.</summary>
    public static Task<DaemonProcess> StartAsync(string dataDirectory, params string[] extraArguments) =>
        StartAsync(dataDirectory, new Dictionary<string, string>(), extraArguments);

    /// <summary>As <see cref="StartAsync(string, string[])"/>, with extra environment variables for the daemon.</summary>
    public static async Task<DaemonProcess> StartAsync(string dataDirectory, IDictionary<string, string> environment, params string[] extraArguments)
    {
        var arguments = new List<string>
        {
            DaemonDll,
            "-D", $"namespace.data.dir={dataDirectory}",
            "-D", "namespace.log.dir=",
            "-D", "namespace.rpc.bind-host=127.0.0.1",
            "-D", "namespace.rpc.port=0",
            "-D", "namespace.metrics.port=0", // daemons run side by side: the default 8104 would be taken
            "-D", "namespace.permissions.superuser=root",
        };
        arguments.AddRange(extraArguments);
        var daemon = new DaemonProcess(Start(arguments, environment)).Begin();
        await Task.WhenAny(daemon._ready.Task, daemon._process.WaitForExitAsync(), Task.Delay(TimeSpan.FromSeconds(60)));
        if (!daemon._ready.Task.IsCompleted)
        {
            await daemon.DisposeAsync();
            throw new InvalidOperationException($"the daemon did not start:\n{daemon.Output}");
        }

        daemon.Port = daemon._ready.Task.Result;
        return daemon;
    }

    /// <summary>Runs the daemon to completion (for start-up errors): exit code, stdout, stderr.</summary>
    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(IDictionary<string, string>? environment, params string[] arguments)
    {
        var start = new ProcessStartInfo(DotnetHost(), [DaemonDll, .. arguments])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout, await stderr);
    }

    /// <summary>SIGKILL: no chance to flush or close anything.</summary>
    public async Task KillAsync()
    {
        _process.Kill();
        await _process.WaitForExitAsync();
    }

    /// <summary>The exit code once the daemon stops by itself (within <paramref name="timeout"/>).</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGSTOP (<paramref name="frozen"/>) or SIGCONT: the process stops running at once, mid-whatever, or resumes.</summary>
    public void Freeze(bool frozen) => _ = Kill(_process.Id, frozen ? 19 : 18);

    /// <summary>SIGTERM, then the exit code once the daemon has stopped.</summary>
    public Task<int> TerminateAsync() => SignalAsync(15);

    /// <summary>Sends <paramref name="signal"/> (e.g. 2 = SIGINT, 15 = SIGTERM), then the exit code once the daemon has stopped.</summary>
    public async Task<int> SignalAsync(int signal)
    {
        _ = Kill(_process.Id, signal);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await _process.WaitForExitAsync(timeout.Token);
        return _process.ExitCode;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static Process Start(IReadOnlyList<string> arguments, IDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(DotnetHost(), arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        return process;
    }

    private DaemonProcess Begin()
    {
        _process.OutputDataReceived += (_, e) => Record(e.Data, ready: true);
        _process.ErrorDataReceived += (_, e) => Record(e.Data, ready: false);
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        return this;
    }

    private void Record(string? line, bool ready)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }

        if (ready && MetricsLine().Match(line) is { Success: true } metrics)
        {
            MetricsUrl = metrics.Groups[1].Value; // printed before the serving line
        }

        if (ready && ServingLine().Match(line) is { Success: true } match)
        {
            Host = match.Groups[1].Value;
            _ready.TrySetResult(int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        }
    }

    public static string DotnetHost() =>
        Environment.ProcessPath is { } host && Path.GetFileNameWithoutExtension(host) == "dotnet" ? host : "dotnet";

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    [GeneratedRegex(@"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{3} ([A-Z]{4}) ")]
    private static partial Regex LogLine();

    [GeneratedRegex(@"^jindometa: serving on ([0-9.]+):(\d+)$")]
    private static partial Regex ServingLine();

    [GeneratedRegex(@"^jindometa: metrics serving on (http://[0-9.]+:\d+/metrics)$")]
    private static partial Regex MetricsLine();
}
