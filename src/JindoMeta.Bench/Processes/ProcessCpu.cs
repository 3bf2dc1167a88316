using System.Globalization;

namespace JindoMeta.Bench.Processes;

/// <summary>
/// User + system CPU of a process from <c>/proc/PID/stat</c> (fields 14 and 15, utime and stime), so that the CPU of
/// several processes over one phase is read the same way, the benchmark's own included.
/// </summary>
public static class ProcessCpu
{
    // The kernel reports these fields in USER_HZ, fixed at 100 for user space on every Linux architecture we run on
    // (`getconf CLK_TCK`); HZ, the scheduler's rate, does not show here.
    private const double TicksPerSecond = 100;

    /// <summary>CPU consumed so far by <paramref name="pid"/>; fails with a clear message when it is gone or not on Linux.</summary>
    public static TimeSpan Of(int pid)
    {
        string stat;
        try
        {
            stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new InvalidOperationException($"cannot read /proc/{pid}/stat ({e.Message}): the CPU figures need Linux and a running process", e);
        }

        // The command name (field 2) is in parentheses and may hold spaces: count fields after the last ')'.
        var afterName = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        var utime = long.Parse(afterName[11], CultureInfo.InvariantCulture);
        var stime = long.Parse(afterName[12], CultureInfo.InvariantCulture);
        return TimeSpan.FromSeconds((utime + stime) / TicksPerSecond);
    }

    public static TimeSpan OfSelf() => Of(Environment.ProcessId);
}
