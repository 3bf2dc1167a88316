using System.Diagnostics;
using JindoMeta.TableStore.Emulator;

namespace JindoMeta.TableStore.Tests.Support;

/// <summary>
/// The <c>tablestore-emulator</c> command as a child process (<c>dotnet exec tablestore-emulator.dll</c>) on an
/// OS-chosen port of 127.0.0.1, with our test credentials. It is ready once it prints its listening line; signals
/// go to its PID only (<c>kill -TERM pid</c>). Both output streams are drained and kept, so the child never blocks.
/// </summary>
internal sealed class EmulatorProcess : IAsyncDisposable
{
    public const string Instance = EmulatorHarness.Instance;
    public const string KeyId = EmulatorHarness.KeyId;
    public const string Secret = EmulatorHarness.Secret;

    /// <summary>Generous: a loaded 2-core machine takes seconds to JIT the host and open RocksDB.</summary>
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(2);

    /// <summary>Generous as well; a clean stop drains Kestrel and closes RocksDB.</summary>
    public static readonly TimeSpan ExitTimeout = TimeSpan.FromMinutes(1);

    private const string ListeningPrefix = "tablestore-emulator listening on ";

    private readonly Process _process;
    private readonly List<string> _standardOutput = [];
    private readonly List<string> _standardError = [];
    private readonly TaskCompletionSource<Uri> _listening = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private EmulatorProcess(Process process)
    {
        _process = process;
    }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The endpoint from the listening line; only after <see cref="StartAsync"/> returned.</summary>
    public Uri Endpoint => _listening.Task.IsCompletedSuccessfully ? _listening.Task.Result : throw new InvalidOperationException("the emulator is not listening");

    public IReadOnlyList<string> StandardOutput => Snapshot(_standardOutput);

    public IReadOnlyList<string> StandardError => Snapshot(_standardError);

    /// <summary>Starts the command with <c>--port 0</c>, the test credentials and <paramref name="arguments"/>.</summary>
    public static EmulatorProcess Launch(params string[] arguments)
    {
        // env resets SIGINT and SIGTERM to their default dispositions: a test runner started as a background job
        // of a non-interactive shell ignores SIGINT, the child would inherit that, and .NET respects ignored signals.
        var start = new ProcessStartInfo("env")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["--default-signal=INT,TERM", "dotnet", "exec", typeof(TableStoreEmulator).Assembly.Location,
            "--port", "0", "--instance", Instance, "--access-key-id", KeyId, .. arguments])
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["TABLESTORE_EMULATOR_SECRET"] = Secret;
        var emulator = new EmulatorProcess(new Process { StartInfo = start });
        emulator._process.OutputDataReceived += (_, e) => emulator.Record(e.Data, emulator._standardOutput);
        emulator._process.ErrorDataReceived += (_, e) => emulator.Record(e.Data, emulator._standardError);
        emulator._process.Start();
        emulator._process.BeginOutputReadLine();
        emulator._process.BeginErrorReadLine();
        return emulator;
    }

    /// <summary>Launches the command and waits for its listening line; fails with its output if it never comes.</summary>
    public static async Task<EmulatorProcess> StartAsync(params string[] arguments)
    {
        var emulator = Launch(arguments);
        await Task.WhenAny(emulator._listening.Task, emulator._process.WaitForExitAsync(), Task.Delay(StartTimeout));
        if (!emulator._listening.Task.IsCompletedSuccessfully)
        {
            var exited = emulator.HasExited ? $"exited with {emulator._process.ExitCode}" : $"did not listen within {StartTimeout}";
            await emulator.DisposeAsync();
            throw new InvalidOperationException(
                $"tablestore-emulator {exited}\nstdout:\n{string.Join('\n', emulator.StandardOutput)}\nstderr:\n{string.Join('\n', emulator.StandardError)}");
        }
        return emulator;
    }

    public TableStoreClient NewClient(Func<TableStoreOptions, TableStoreOptions>? configure = null)
    {
        var options = new TableStoreOptions { Endpoint = Endpoint, InstanceName = Instance, AccessKeyId = KeyId, AccessKeySecret = Secret };
        return new TableStoreClient(configure is null ? options : configure(options));
    }

    /// <summary>Sends <c>kill -<paramref name="signal"/> pid</c> (TERM, INT, ...) to this child only.</summary>
    public async Task SignalAsync(string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", [$"-{signal}", Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))!;
        await kill.WaitForExitAsync();
        Assert.True(kill.ExitCode == 0, $"kill -{signal} {Id} exited with {kill.ExitCode}");
    }

    /// <summary>The exit code, once the process has exited and both streams are drained; fails after <see cref="ExitTimeout"/>.</summary>
    public async Task<int> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(ExitTimeout);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"tablestore-emulator (pid {Id}) still runs {ExitTimeout} later\nstdout:\n{string.Join('\n', StandardOutput)}\nstderr:\n{string.Join('\n', StandardError)}");
        }
        return _process.ExitCode;
    }

    /// <summary>Kills the child if a test left it running (its own PID, SIGKILL) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private void Record(string? line, List<string> lines)
    {
        if (line is null)
        {
            return;
        }
        lock (lines)
        {
            lines.Add(line);
        }
        if (ReferenceEquals(lines, _standardOutput) && line.StartsWith(ListeningPrefix, StringComparison.Ordinal))
        {
            _listening.TrySetResult(new Uri(line[ListeningPrefix.Length..].Split(' ')[0]));
        }
    }

    private static string[] Snapshot(List<string> lines)
    {
        lock (lines)
        {
            return [.. lines];
        }
    }
}
