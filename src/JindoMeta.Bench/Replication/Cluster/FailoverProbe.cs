using System.Diagnostics;

namespace JindoMeta.Bench.Replication.Cluster;

/// <summary>Failover times of one system: milliseconds from each leader SIGKILL to the first write acknowledged after it.</summary>
public sealed record FailoverResult(string System, IReadOnlyList<double> Milliseconds, long FailedWrites, long AcknowledgedWrites, string? LastFailure)
{
    public double P50 => Percentile(0.50);

    public double P99 => Percentile(0.99);

    public double Max => Milliseconds.Count == 0 ? 0 : Milliseconds.Max();

    /// <summary>Nearest rank: with 20 kills p99 is the slowest one.</summary>
    private double Percentile(double q)
    {
        var sorted = Milliseconds.Order().ToArray();
        return sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Length) - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>What the probe needs from a cluster: find, kill and bring back its leader.</summary>
public interface IFailoverTarget
{
    Task<int> LeaderIndexAsync();

    /// <summary>SIGKILL, returning once the process is gone.</summary>
    void Kill(int index);

    /// <summary>Restarts the killed member and returns once it is a follower again, caught up.</summary>
    Task RestartAsFollowerAsync(int index);
}

/// <summary>
/// One writer loop (sequential writes, each through a client that knows every member) runs while the leader is
/// SIGKILLed <c>kills</c> times. A sample is the time from the kill to the acknowledgement of the first write
/// <em>issued</em> after it: a write already in flight at the kill does not count, so a sample may exceed the true
/// gap by one write's latency, never fall short of it. Failed writes (the client gave up) are counted, and the loop goes on.
/// </summary>
public static class FailoverProbe
{
    public static async Task<FailoverResult> RunAsync(string system, int kills, IFailoverTarget target, Func<long, Task> write, Action<string> progress)
    {
        var loop = new WriterLoop(write);
        var writer = Task.Run(loop.RunAsync);
        var samples = new List<double>(kills);
        try
        {
            for (var kill = 0; kill < kills; kill++)
            {
                var leader = await target.LeaderIndexAsync();
                await loop.WaitForProgressAsync(TimeSpan.FromSeconds(60));
                var killedAt = Stopwatch.GetTimestamp();
                var firstAck = loop.ArmAfter(killedAt);
                target.Kill(leader);
                var ackedAt = await firstAck.WaitAsync(TimeSpan.FromSeconds(120));
                samples.Add(Stopwatch.GetElapsedTime(killedAt, ackedAt).TotalMilliseconds);
                progress($"{system} kill {kill + 1}/{kills}: node {leader + 1} killed, first write acknowledged after {samples[^1]:N0} ms");
                await target.RestartAsFollowerAsync(leader);
            }
        }
        finally
        {
            loop.Stop();
            await writer;
        }

        return new FailoverResult(system, samples, loop.Failed, loop.Acknowledged, loop.LastFailure);
    }

    private sealed class WriterLoop(Func<long, Task> write)
    {
        private readonly Lock _lock = new();
        private long _armedAt;
        private TaskCompletionSource<long>? _firstAck;
        private long _acknowledged;
        private long _failed;
        private volatile bool _stopping;
        private volatile string? _lastFailure;

        /// <summary>What the client said when it last gave up on a write (type and message), for the report.</summary>
        public string? LastFailure => _lastFailure;

        public long Acknowledged => Interlocked.Read(ref _acknowledged);

        public long Failed => Interlocked.Read(ref _failed);

        public async Task RunAsync()
        {
            long sequence = 0;
            while (!_stopping)
            {
                var issuedAt = Stopwatch.GetTimestamp();
                try
                {
                    await write(sequence++);
                }
#pragma warning disable CA1031 // any failure of one write is a failed write: the loop must survive it to measure the next
                catch (Exception e)
#pragma warning restore CA1031
                {
                    _lastFailure = $"{e.GetType().Name}: {e.Message}";
                    Interlocked.Increment(ref _failed);
                    continue;
                }

                var ackedAt = Stopwatch.GetTimestamp();
                Interlocked.Increment(ref _acknowledged);
                lock (_lock)
                {
                    if (_firstAck is not null && issuedAt >= _armedAt)
                    {
                        _firstAck.TrySetResult(ackedAt);
                        _firstAck = null;
                    }
                }
            }
        }

        /// <summary>The timestamp of the first acknowledgement of a write issued at or after <paramref name="timestamp"/>.</summary>
        public Task<long> ArmAfter(long timestamp)
        {
            var firstAck = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
            lock (_lock)
            {
                (_armedAt, _firstAck) = (timestamp, firstAck);
            }

            return firstAck.Task;
        }

        /// <summary>Waits until a write is acknowledged after this call (the writer is in steady state again).</summary>
        public async Task WaitForProgressAsync(TimeSpan timeout)
        {
            var start = Acknowledged;
            var deadline = Stopwatch.GetTimestamp() + (long)(timeout.TotalSeconds * Stopwatch.Frequency);
            while (Acknowledged < start + 2)
            {
                if (Stopwatch.GetTimestamp() > deadline)
                {
                    throw new TimeoutException($"the writer acknowledged nothing for {timeout.TotalSeconds:0} s ({Failed} failed writes so far)");
                }

                await Task.Delay(10);
            }
        }

        public void Stop() => _stopping = true;
    }
}
