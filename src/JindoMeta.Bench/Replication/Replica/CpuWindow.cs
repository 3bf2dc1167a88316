using System.Diagnostics;
using JindoMeta.Bench.Processes;

namespace JindoMeta.Bench.Replication.Replica;

/// <summary>One process's CPU over a phase: seconds of user + system time, and that as a share of the phase's wall time (100 = one core busy).</summary>
public sealed record ProcessCpuShare(string Process, double CpuSeconds, double PercentOfWall);

/// <summary>
/// The CPU of several processes (the emulator, the daemon, the benchmark itself) over one phase, from /proc/PID/stat
/// read at its start and its end. A process that starts during the phase counts from zero (pass it with no start reading).
/// </summary>
public sealed class CpuWindow
{
    private readonly (string Name, Func<int?> Pid, TimeSpan Before)[] _processes;
    private readonly long _started = Stopwatch.GetTimestamp();

    private CpuWindow((string Name, Func<int?> Pid, TimeSpan Before)[] processes)
    {
        _processes = processes;
    }

    /// <param name="processes">Name and pid of each process; a pid of null is a process started later in the phase (read at the end only).</param>
    public static CpuWindow Start(params (string Name, Func<int?> Pid)[] processes) =>
        new([.. processes.Select(p => (p.Name, p.Pid, p.Pid() is { } pid ? ProcessCpu.Of(pid) : TimeSpan.Zero))]);

    /// <summary>Wall time since <see cref="Start"/> and each process's share of it.</summary>
    public (TimeSpan Wall, IReadOnlyList<ProcessCpuShare> Shares) Stop()
    {
        var wall = Stopwatch.GetElapsedTime(_started);
        var shares = _processes.Select(p =>
        {
            var cpu = (p.Pid() is { } pid ? ProcessCpu.Of(pid) : p.Before) - p.Before;
            return new ProcessCpuShare(p.Name, cpu.TotalSeconds, 100 * cpu.TotalSeconds / wall.TotalSeconds);
        }).ToArray();
        return (wall, shares);
    }
}
