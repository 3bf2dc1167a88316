namespace JindoMeta.TableStore;

/// <summary>
/// Which failures are retried (the SDKs' rules, PROTOCOL.md 5.1-5.2): throttling and transient partition errors on
/// any operation; server-side failures and network errors only on idempotent (read) operations. Backoff doubles from
/// 10 ms to a 320 ms cap, with full jitter over the upper half so clients spread out (Java SDK numbers).
/// </summary>
public sealed class RetryPolicy
{
    private readonly Random _random;

    public RetryPolicy(Random? random = null)
    {
        _random = random ?? Random.Shared;
    }

    public TimeSpan BaseDelay { get; init; } = TimeSpan.FromMilliseconds(10);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromMilliseconds(320);

    public static bool IsIdempotent(string operation) => operation is
        "ListTable" or "DescribeTable" or "GetRow" or "BatchGetRow" or "GetRange";

    public static bool IsRetryable(string code, string? message, int httpStatus, bool idempotent)
    {
        switch (code)
        {
            case TableStoreErrorCodes.RowOperationConflict:
            case TableStoreErrorCodes.NotEnoughCapacityUnit:
            case TableStoreErrorCodes.TableNotReady:
            case TableStoreErrorCodes.PartitionUnavailable:
            case TableStoreErrorCodes.ServerBusy:
            case TableStoreErrorCodes.OperationThrottled:
            case TableStoreErrorCodes.StorageServerBusy:
                return true;
            case TableStoreErrorCodes.QuotaExhausted:
                return message == "Too frequent table operations.";
            case TableStoreErrorCodes.Timeout:
            case TableStoreErrorCodes.ServerUnavailable:
            case TableStoreErrorCodes.InternalServerError:
            case TableStoreErrorCodes.ClientNetworkError:
                return idempotent;
            default:
                return idempotent && httpStatus is 500 or 502 or 503;
        }
    }

    /// <summary>Delay before retry number <paramref name="retry"/> (0-based).</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var ceiling = Math.Min(MaxDelay.TotalMilliseconds, BaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 20)));
        double jittered;
        lock (_random)
        {
            jittered = (ceiling / 2) + (_random.NextDouble() * ceiling / 2);
        }
        return TimeSpan.FromMilliseconds(jittered);
    }
}
