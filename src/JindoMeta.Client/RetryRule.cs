using JindoMeta.Rpc;

namespace JindoMeta.Client;

/// <summary>What to do after one failed attempt.</summary>
public enum RetryAction
{
    /// <summary>Give the error to the caller.</summary>
    Fail,

    /// <summary>Wait (exponential backoff with jitter), then try the next address in the list.</summary>
    BackoffAndRotate,

    /// <summary>Go straight to the leader named by the <c>jindo-leader</c> trailer.</summary>
    FollowLeader,
}

/// <summary>
/// The client's retry rule, in one place:
/// <list type="number">
/// <item>UNAVAILABLE with a <c>jindo-leader</c> trailer (NOT_LEADER): the follower did not apply the call; every
/// operation goes straight to that leader.</item>
/// <item>UNAVAILABLE with a <c>jindo-error-code</c> trailer (the server answered that it cannot serve now, e.g.
/// 25011/25012): not applied; every operation backs off and tries the next address.</item>
/// <item>UNAVAILABLE without a code (a transport failure): idempotent operations back off and rotate; a
/// non-idempotent one does so only when the connection could not be opened at all (refused, unreachable,
/// unknown host), because then the request never left this machine. A reset or lost reply after sending
/// fails the call: the caller must check what happened (e.g. stat the path) rather than risk doing it twice.</item>
/// <item>Anything else (not found, exists, permission, deadline, cancellation...) is final.</item>
/// </list>
/// </summary>
public static class RetryRule
{
    public const string ErrorCodeTrailer = "jindo-error-code";
    public const string LeaderTrailer = "jindo-leader";

    // Transport failures whose text shows that no connection was made (SocketException texts on Linux and
    // Windows, and HttpRequestException's name-resolution failure).
    private static readonly string[] ConnectFailureMarkers =
    [
        "Connection refused", "actively refused", "No route to host", "Network is unreachable", "Name or service not known",
        "No such host is known", "nodename nor servname", "Temporary failure in name resolution", "Connection timed out",
    ];

    public static RetryAction Decide(RpcException error, RetrySafety safety)
    {
        if (error.StatusCode != StatusCode.Unavailable)
        {
            return RetryAction.Fail;
        }

        if (!string.IsNullOrEmpty(error.Trailers.GetString(LeaderTrailer)))
        {
            return RetryAction.FollowLeader;
        }

        if (error.Trailers.GetString(ErrorCodeTrailer) is not null)
        {
            return RetryAction.BackoffAndRotate;
        }

        return safety == RetrySafety.Idempotent || IsConnectFailure(error) ? RetryAction.BackoffAndRotate : RetryAction.Fail;
    }

    /// <summary>Whether the failure happened while opening the connection, before any request bytes were sent.</summary>
    public static bool IsConnectFailure(RpcException error) =>
        error.StatusCode == StatusCode.Unavailable && error.Trailers.GetString(ErrorCodeTrailer) is null &&
        Array.Exists(ConnectFailureMarkers, m => error.Status.Detail.Contains(m, StringComparison.OrdinalIgnoreCase));

    /// <summary>The delay before retry number <paramref name="retry"/> (0-based): half fixed, half random.</summary>
    public static TimeSpan Backoff(int retry, TimeSpan initial, TimeSpan max, Random random)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (random.NextDouble() * ceiling / 2));
    }
}
