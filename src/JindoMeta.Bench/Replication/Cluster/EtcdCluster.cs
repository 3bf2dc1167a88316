using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Bench.Processes;

namespace JindoMeta.Bench.Replication.Cluster;

/// <summary>
/// Three etcd members (Debian's etcd-server, /usr/bin/etcd) on 127.0.0.1, .2 and .3, each on the same client and
/// peer ports as three hosts would be, with data under the benchmark's work directory; stopped by PID. Default
/// timing (100 ms heartbeat, 1 s election), fsync on, as a durable deployment runs it.
/// </summary>
public sealed class EtcdCluster : IFailoverTarget, IAsyncDisposable
{
    public const string InstallHint = "apt-get install -y etcd-server";
    private readonly string _binary;
    private readonly string _directory;
    private readonly Process?[] _members = new Process?[3];
    private readonly GrpcChannel[] _memberChannels;
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };
    private int _preferred;

    private EtcdCluster(string binary, string directory)
    {
        _binary = binary;
        _directory = directory;
        (ClientPort, PeerPort) = (LoopbackPorts.FreeOnEvery(Hosts), LoopbackPorts.FreeOnEvery(Hosts));
        _memberChannels = [.. Enumerable.Range(0, 3).Select(i => GrpcChannel.ForAddress($"http://{ClientAddress(i)}"))];
    }

    public static IReadOnlyList<string> Hosts => LoopbackPorts.ThreeHosts;

    public int ClientPort { get; }

    public int PeerPort { get; }

    public string ClientAddress(int index) => $"{Hosts[index]}:{ClientPort}";

    /// <summary>
    /// The etcd binary: ETCD_BINARY when set (null when that file does not exist: a way to skip etcd), else
    /// /usr/bin/etcd, else `etcd` on PATH; null when there is none.
    /// </summary>
    public static string? FindBinary()
    {
        if (Environment.GetEnvironmentVariable("ETCD_BINARY") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? configured : null;
        }

        var candidates = new List<string> { "/usr/bin/etcd" };
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(':', StringSplitOptions.RemoveEmptyEntries).Select(d => Path.Combine(d, "etcd")));
        return candidates.FirstOrDefault(File.Exists);
    }

    public static async Task<EtcdCluster> StartAsync(string binary, string directory)
    {
        var cluster = new EtcdCluster(binary, directory);
        for (var i = 0; i < 3; i++)
        {
            cluster.StartMember(i);
        }

        await cluster.LeaderIndexAsync(TimeSpan.FromSeconds(60));
        return cluster;
    }

    /// <summary>Starts member <paramref name="index"/> (again, after a kill: its data directory makes it rejoin).</summary>
    public void StartMember(int index)
    {
        var host = Hosts[index];
        var peers = string.Join(",", Hosts.Select((h, i) => $"m{i + 1}=http://{h}:{PeerPort}"));
        var start = new ProcessStartInfo(_binary,
        [
            "--name", $"m{index + 1}",
            "--data-dir", Path.Combine(_directory, $"etcd{index + 1}"),
            "--listen-client-urls", $"http://{host}:{ClientPort}",
            "--advertise-client-urls", $"http://{host}:{ClientPort}",
            "--listen-peer-urls", $"http://{host}:{PeerPort}",
            "--initial-advertise-peer-urls", $"http://{host}:{PeerPort}",
            "--initial-cluster", peers,
            "--initial-cluster-token", "jindometa-bench",
            "--initial-cluster-state", "new",
            "--logger", "zap",
            "--log-level", "error",
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {_binary}");
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _members[index] = process;
    }

    public Process Member(int index) => _members[index] ?? throw new InvalidOperationException($"etcd member {index + 1} is not running");

    /// <summary>SIGKILLs member <paramref name="index"/> and waits until it is gone (its data stays).</summary>
    public void Kill(int index)
    {
        var process = Member(index);
        process.Kill();
        process.WaitForExit();
        process.Dispose();
        _members[index] = null;
    }

    /// <summary>What member <paramref name="index"/> reports (Maintenance/Status), or null when it does not answer.</summary>
    public async Task<EtcdStatus?> StatusAsync(int index)
    {
        if (_members[index] is null)
        {
            return null;
        }

        try
        {
            return await _memberChannels[index].CreateCallInvoker().AsyncUnaryCall(
                EtcdApi.Status, null, new CallOptions(deadline: DateTime.UtcNow.AddSeconds(2)), new EtcdStatusRequest());
        }
        catch (RpcException)
        {
            return null; // not up yet, or just killed
        }
    }

    /// <summary>The running member that is the leader by its own Status (its member id is the leader id it reports).</summary>
    public async Task<int> LeaderIndexAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            for (var i = 0; i < 3; i++)
            {
                if (await StatusAsync(i) is { Leader: not 0 } status && status.Leader == status.Header.MemberId)
                {
                    return i;
                }
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"no etcd leader within {timeout.TotalSeconds:0} s (members on {string.Join(", ", Enumerable.Range(0, 3).Select(ClientAddress))})");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Waits until member <paramref name="index"/> answers and knows a leader other than itself.</summary>
    public async Task WaitForFollowerAsync(int index, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (await StatusAsync(index) is not { Leader: not 0 } status || status.Leader == status.Header.MemberId)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"etcd member {index + 1} did not rejoin as a follower within {timeout.TotalSeconds:0} s");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>
    /// WAL fsyncs and backend (bbolt) commits so far on member <paramref name="index"/>, from its Prometheus
    /// metrics (etcd_disk_wal_fsync_duration_seconds_count, etcd_disk_backend_commit_duration_seconds_count).
    /// </summary>
    public async Task<(long WalFsyncs, long BackendCommits)> DiskCountersAsync(int index)
    {
        var text = await _http.GetStringAsync(new Uri($"http://{ClientAddress(index)}/metrics"));
        return (Counter(text, "etcd_disk_wal_fsync_duration_seconds_count"), Counter(text, "etcd_disk_backend_commit_duration_seconds_count"));
    }

    /// <summary>
    /// A put through whichever member answers, as a client configured with all three endpoints: the last member that
    /// answered first; on any error the next one at once (1 s per attempt, 30 s in all). Followers forward puts to
    /// their leader, so any live member serves once a leader is elected.
    /// </summary>
    /// <remarks>
    /// A follower drops a put it holds while there is no leader and answers only when the request times out, so the
    /// per-attempt deadline bounds etcd's failover figure from below. 1 s (etcdctl's default is 5 s) favours etcd: a
    /// loaded machine might see a spurious timeout, which only costs one more attempt.
    /// </remarks>
    public async Task PutThroughAnyMemberAsync(EtcdPutRequest request)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var member = Volatile.Read(ref _preferred);
            try
            {
                var attemptDeadline = DateTime.UtcNow.AddSeconds(1);
                await _memberChannels[member].CreateCallInvoker().AsyncUnaryCall(
                    EtcdApi.Put, null, new CallOptions(deadline: attemptDeadline < deadline ? attemptDeadline : deadline), request);
                return;
            }
            catch (RpcException) when (DateTime.UtcNow < deadline)
            {
                Interlocked.CompareExchange(ref _preferred, (member + 1) % 3, member);
                await Task.Delay(10); // a refused connection fails at once: do not spin
            }
        }
    }

    Task<int> IFailoverTarget.LeaderIndexAsync() => LeaderIndexAsync(TimeSpan.FromSeconds(60));

    async Task IFailoverTarget.RestartAsFollowerAsync(int index)
    {
        StartMember(index);
        await WaitForFollowerAsync(index, TimeSpan.FromSeconds(60));
    }

    private static long Counter(string metrics, string name)
    {
        foreach (var line in metrics.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return (long)double.Parse(line.AsSpan(name.Length + 1), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidDataException($"etcd's /metrics has no {name} line");
    }

    public ValueTask DisposeAsync()
    {
        for (var i = 0; i < 3; i++)
        {
            if (_members[i] is not null)
            {
                Kill(i);
            }
        }

        foreach (var channel in _memberChannels)
        {
            channel.Dispose();
        }

        _http.Dispose();
        return ValueTask.CompletedTask;
    }
}
