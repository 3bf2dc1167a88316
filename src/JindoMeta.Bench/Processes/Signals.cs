using System.Diagnostics;
using System.Globalization;

namespace JindoMeta.Bench.Processes;

/// <summary>Stops a child process the way an operator would: a signal by its pid (`kill -TERM PID`), then waits.</summary>
public static class Signals
{
    /// <summary>
    /// SIGTERM to <paramref name="process"/> only, then waits for it to exit; SIGKILL when it is still there after
    /// <paramref name="timeout"/> (returns false then, so the caller can say that the clean stop did not happen).
    /// </summary>
    public static async Task<bool> TerminateAsync(Process process, TimeSpan timeout)
    {
        if (process.HasExited)
        {
            return true;
        }

        using (var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", process.Id.ToString(CultureInfo.InvariantCulture)]))
            ?? throw new InvalidOperationException("cannot run `kill` (is it on PATH?)"))
        {
            await kill.WaitForExitAsync().ConfigureAwait(false);
        }

        using var wait = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            await process.WaitForExitAsync().ConfigureAwait(false);
            return false;
        }
    }
}
