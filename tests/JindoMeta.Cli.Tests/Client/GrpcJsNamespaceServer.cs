using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace JindoMeta.Cli.Tests.Client;

/// <summary>
/// node/namespace-server.js as a child process: a grpc-js leader and a grpc-js follower that names it, both scripted
/// by request path. Every call they receive is reported on the script's stdout as one <see cref="PeerCall"/>.
/// </summary>
public sealed class GrpcJsNamespaceServer : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60); // node start-up on a loaded 2-core machine
    private readonly Process _process;
    private readonly Task _reader;
    private readonly Task<string> _stderr;
    private readonly ConcurrentQueue<PeerCall> _calls = new();
    private readonly ConcurrentDictionary<int, TaskCompletionSource> _syncs = new();
    private int _lastSync;

    private GrpcJsNamespaceServer(Process process, int leaderPort, int followerPort)
    {
        _process = process;
        LeaderAddress = $"127.0.0.1:{leaderPort}";
        FollowerAddress = $"127.0.0.1:{followerPort}";
        _reader = Task.Run(ReadCallsAsync);
        _stderr = process.StandardError.ReadToEndAsync(); // drained so grpc-js logging can never block the peer
    }

    public string LeaderAddress { get; }

    public string FollowerAddress { get; }

    public static string NodeDirectory => Path.Combine(RepoRoot(), "tests", "JindoMeta.Cli.Tests", "node");

    public static async Task<GrpcJsNamespaceServer> StartAsync()
    {
        Assert.True(Directory.Exists(Path.Combine(NodeDirectory, "node_modules", "@grpc", "grpc-js")),
            $"npm peers missing in {NodeDirectory}: run tests/run.sh (it runs npm ci there)");
        var start = new ProcessStartInfo("node", ["namespace-server.js", Path.Combine(RepoRoot(), "protos")])
        {
            WorkingDirectory = NodeDirectory,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        using var timeout = new CancellationTokenSource(Timeout);
        string? line;
        try
        {
            line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            line = null;
        }

        if (line?.Split(' ') is not ["PORTS", var leader, var follower])
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node namespace-server.js did not report its ports within {Timeout.TotalSeconds:0} s (got '{line}'): {await process.StandardError.ReadToEndAsync()}");
            throw new UnreachableException();
        }

        return new GrpcJsNamespaceServer(process, int.Parse(leader, CultureInfo.InvariantCulture), int.Parse(follower, CultureInfo.InvariantCulture));
    }

    /// <summary>
    /// Every call the servers received so far. A call is printed before it is answered, but its line may still be in
    /// the pipe when the reply arrives here, so this first sends a barrier through the script and waits for it.
    /// </summary>
    public async Task<IReadOnlyList<PeerCall>> CallsAsync()
    {
        var number = Interlocked.Increment(ref _lastSync);
        var synced = _syncs.GetOrAdd(number, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
        await _process.StandardInput.WriteLineAsync($"sync {number}");
        await _process.StandardInput.FlushAsync();
        await synced.Task.WaitAsync(Timeout);
        return [.. _calls];
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close(); // the script shuts its servers down when stdin ends
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        await _reader;
        await _stderr;
        _process.Dispose();
    }

    private static string RepoRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "JindoMeta.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("JindoMeta.sln not found above the test binaries");
        }

        return directory;
    }

    private async Task ReadCallsAsync()
    {
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("SYNCED ", StringComparison.Ordinal))
            {
                var number = int.Parse(line.AsSpan(7), CultureInfo.InvariantCulture);
                _syncs.GetOrAdd(number, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
                continue;
            }

            var json = JsonDocument.Parse(line).RootElement;
            _calls.Enqueue(new PeerCall(
                json.GetProperty("server").GetString()!,
                json.GetProperty("method").GetString()!,
                json.GetProperty("path").GetString()!,
                json.GetProperty("user").GetString(),
                json.GetProperty("deadlineMs").ValueKind == JsonValueKind.Number ? json.GetProperty("deadlineMs").GetInt64() : null));
        }
    }
}

/// <summary>One call a grpc-js server received: the user header and the time left until the deadline it was sent.</summary>
public sealed record PeerCall(string Server, string Method, string Path, string? User, long? DeadlineMs);
