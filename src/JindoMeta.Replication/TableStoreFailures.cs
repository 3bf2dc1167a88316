using JindoMeta.TableStore;

namespace JindoMeta.Replication;

/// <summary>How the uploader and recovery treat a failed Tablestore call: which failures are retried, how long to wait, what to show.</summary>
internal static class TableStoreFailures
{
    /// <summary>Failures a retry can cure: the service's errors (busy, timeouts, throttling, even auth while keys rotate) and the network's.</summary>
    public static bool IsRetried(Exception e) => e is TableStoreException or HttpRequestException or IOException or TimeoutException;

    /// <summary>Doubling from <paramref name="min"/> at the first failure, at most <paramref name="max"/>.</summary>
    public static TimeSpan Backoff(int failures, TimeSpan min, TimeSpan max) =>
        TimeSpan.FromTicks(Math.Min(min.Ticks << Math.Min(Math.Max(failures - 1, 0), 20), max.Ticks));

    /// <summary>The message as one line with every secret replaced.</summary>
    public static string Mask(string message, IReadOnlyList<string> secrets)
    {
        foreach (var secret in secrets.Where(s => s.Length > 0))
        {
            message = message.Replace(secret, "***", StringComparison.Ordinal);
        }

        return message.ReplaceLineEndings(" ");
    }
}
