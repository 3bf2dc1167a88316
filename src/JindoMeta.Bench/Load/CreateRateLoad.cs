using System.Diagnostics;
using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Bench.Load;

/// <summary>What an open-loop create load achieved over its measured window.</summary>
/// <param name="Completed">Creates answered successfully during the window.</param>
/// <param name="BehindSchedule">Creates due by the end of the window that had not been sent yet (the in-flight cap was reached: the server did not keep up).</param>
public sealed record RateLoadResult(double TargetRate, TimeSpan Window, long Completed, long Failed, string? FirstFailure, long BehindSchedule, double P50Milliseconds, double P99Milliseconds)
{
    public double AchievedRate => Completed / Window.TotalSeconds;
}

/// <summary>
/// An open-loop create load: create n is sent at n / rate seconds after the start whether or not the earlier ones
/// were answered (a closed loop would slow down with the server and hide its lag), round-robin over the clients. At
/// most <see cref="MaxInFlight"/> creates are outstanding; past that the schedule falls behind, which the result
/// reports. The first <c>warmUp</c> runs at the same rate unmeasured; <c>windowStarted</c> and <c>windowEnded</c>
/// run on the dispatching loop at the edges of the measured window (keep them short).
/// </summary>
public static class CreateRateLoad
{
    /// <summary>
    /// 10,000 creates/s at a 100 ms answer time is 1,000 in flight; four times that is a server not keeping up,
    /// not a slow moment, and keeps the queue of a stalled server bounded.
    /// </summary>
    public const int MaxInFlight = 4096;

    public static async Task<RateLoadResult> RunAsync(
        IReadOnlyList<JindoMetaClient> clients, Func<long, string> path, double rate, TimeSpan warmUp, TimeSpan duration,
        Action? windowStarted = null, Action? windowEnded = null)
    {
        var state = new LoadState();
        var clock = Stopwatch.StartNew();
        long issued = 0;
        long windowCompletedAtStart = -1;
        var window = TimeSpan.Zero;
        long completedInWindow = 0;
        long behind = 0;
        var end = warmUp + duration;
        while (true)
        {
            var now = clock.Elapsed;
            var measuring = windowCompletedAtStart >= 0;
            if (!measuring && now >= warmUp)
            {
                windowStarted?.Invoke();
                windowCompletedAtStart = Volatile.Read(ref state.Completed);
                state.MeasuringFrom = issued;
                measuring = true;
            }

            if (now >= end)
            {
                completedInWindow = Volatile.Read(ref state.Completed) - windowCompletedAtStart;
                window = now - warmUp;
                behind = Math.Max(0, (long)(now.TotalSeconds * rate) - issued);
                windowEnded?.Invoke();
                break;
            }

            var due = (long)(now.TotalSeconds * rate);
            while (issued < due && Volatile.Read(ref state.InFlight) < MaxInFlight)
            {
                _ = CreateOneAsync(clients[(int)(issued % clients.Count)], path(issued), issued, state);
                issued++;
            }

            await Task.Delay(1).ConfigureAwait(false);
        }

        // Let the outstanding creates finish (their failures still count) before the caller stops the server.
        var drain = Stopwatch.StartNew();
        while (Volatile.Read(ref state.InFlight) > 0 && drain.Elapsed < TimeSpan.FromSeconds(60))
        {
            await Task.Delay(10).ConfigureAwait(false);
        }

        var latencies = state.SortedLatencyTicks();
        return new RateLoadResult(rate, window, completedInWindow, Volatile.Read(ref state.Failed), state.FirstFailure, behind,
            Milliseconds(latencies, 0.50), Milliseconds(latencies, 0.99));
    }

    private static async Task CreateOneAsync(JindoMetaClient client, string path, long sequence, LoadState state)
    {
        Interlocked.Increment(ref state.InFlight);
        var started = Stopwatch.GetTimestamp();
        try
        {
            await client.CreateAsync(new CreateRequest { Path = path }).ConfigureAwait(false);
            Interlocked.Increment(ref state.Completed);
            if (sequence >= Volatile.Read(ref state.MeasuringFrom))
            {
                state.Record(Stopwatch.GetTimestamp() - started);
            }
        }
        catch (JindoMetaException e)
        {
            Interlocked.Increment(ref state.Failed);
            Interlocked.CompareExchange(ref state.FirstFailure, $"create {path}: {e.Message}", null);
        }
        finally
        {
            Interlocked.Decrement(ref state.InFlight);
        }
    }

    private static double Milliseconds(long[] sortedTicks, double quantile) =>
        sortedTicks.Length == 0 ? 0 : sortedTicks[Math.Min(sortedTicks.Length - 1, (int)(quantile * sortedTicks.Length))] * 1000.0 / Stopwatch.Frequency;

    /// <summary>Counters shared by the dispatching loop and the calls it started.</summary>
    private sealed class LoadState
    {
        private readonly List<long> _latencyTicks = new(1 << 16);
        private readonly Lock _latencyLock = new();

        public long InFlight;
        public long Completed;
        public long Failed;
        public string? FirstFailure;

        /// <summary>Sequence number of the first create sent in the measured window (long.MaxValue before it).</summary>
        public long MeasuringFrom = long.MaxValue;

        public void Record(long ticks)
        {
            lock (_latencyLock)
            {
                _latencyTicks.Add(ticks);
            }
        }

        public long[] SortedLatencyTicks()
        {
            lock (_latencyLock)
            {
                return [.. _latencyTicks.Order()];
            }
        }
    }
}
