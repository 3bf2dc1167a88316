using System.Globalization;
using JindoMeta.Bench.Load;

namespace JindoMeta.Bench.Replication.Replica;

/// <summary>One row of the replica suite's table: a phase, its wall time, what it did, and each process's CPU over it.</summary>
public sealed record PhaseRow(string Phase, double Seconds, long Count, string Unit, IReadOnlyList<ProcessCpuShare> Cpu)
{
    public static string Header(IEnumerable<string> processes) =>
        $"{"phase",-40} {"seconds",8} {"count",11} {"per s",9} {"unit",-8}" + string.Concat(processes.Select(p => $" {p + " cpu s",14} {"%",4}"));

    public double PerSecond => Seconds > 0 ? Count / Seconds : 0;

    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Phase,-40} {Seconds,8:N2} {Count,11:N0} {PerSecond,9:N0} {Unit,-8}") +
        string.Concat(Cpu.Select(c => string.Create(CultureInfo.InvariantCulture, $" {c.CpuSeconds,14:N2} {c.PercentOfWall,4:N0}")));
}

/// <summary>p50, p99 and max of a series of samples.</summary>
public sealed record Spread(double P50, double P99, double Max)
{
    public static Spread Of(IEnumerable<double> samples)
    {
        var sorted = samples.Order().ToArray();
        double At(double q) => sorted.Length == 0 ? 0 : sorted[Math.Min(sorted.Length - 1, (int)(q * sorted.Length))];
        return new Spread(At(0.50), At(0.99), sorted.Length == 0 ? 0 : sorted[^1]);
    }
}

/// <summary>The build with upload on, the catch-up to `_synced=1`, and the recovery of a new data directory from the table.</summary>
/// <param name="EntriesCommitted">Feed entries committed during the build (lastIndex moved by this much).</param>
/// <param name="EntriesUploaded">Of those, uploaded by the end of the build (upload.checkpoint moved by this much).</param>
/// <param name="RecoveredRows">recovery.rows at FINISH: the rows the replica table holds (dentries and meta rows).</param>
public sealed record BuildAndRecovery(
    TreeBuildResult Tree, long EntriesCommitted, long EntriesUploaded, long Checkpoint, double StopSeconds, bool StoppedCleanly,
    long RecoveredRows, double RecoveryStartSeconds, PhaseRow Build, PhaseRow CatchUp, PhaseRow Recovery)
{
    /// <summary>Entries uploaded per second while the tree was being built.</summary>
    public double UploadEntriesPerSecondDuringBuild => EntriesUploaded / Build.Seconds;

    /// <summary>The table's rows over the time from the build's start to `_synced=1`: the replica's end-to-end rate.</summary>
    public double UploadRowsPerSecond => RecoveredRows / (Build.Seconds + CatchUp.Seconds);
}

/// <summary>The uploader's lag sampled every 100 ms under an open-loop create load.</summary>
/// <param name="DrainSeconds">From the end of the load to `_synced=1`.</param>
public sealed record LagUnderLoad(RateLoadResult Load, int Samples, Spread LagEntries, Spread LagSeconds, double DrainSeconds, PhaseRow Phase);
