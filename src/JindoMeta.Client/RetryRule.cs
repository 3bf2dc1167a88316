using System.Net.Http;
using System.Net.Sockets;
using Grpc.Core;

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
/// fails the call: the caller must check what happened (e.g. stat the path) rather than risk doing it twice,
/// unless case 4 applies.</item>
/// <item>Outcome unknown, and the call is remembered: a non-idempotent call that carries a client id + call id, sent
/// to servers that declared a retry cache (trailer <c>jindo-retry-cache</c>), may be resent with the same ids when
/// its outcome is unknown, i.e. UNAVAILABLE without a code (case 3) or ABORTED with 25015 (leadership changed
/// mid-replication): it backs off and tries the next address, and the server answers a copy of an applied call
/// with the first outcome.</item>
/// <item>Anything else (not found, exists, permission, deadline, cancellation...) is final.</item>
/// </list>
/// </summary>
public static class RetryRule
{
    public const string ErrorCodeTrailer = "jindo-error-code";
    public const string LeaderTrailer = "jindo-leader";
    public const string RetryCacheTrailer = "jindo-retry-cache";
    private const string OutcomeUnknownCode = "25015";

    /// <summary>The server knows no leader at the moment (an election is running): not applied.</summary>
    public const string NoLeaderCode = "25012";

    /// <summary>The rule for a call that the server does not remember (no ids, or no retry cache declared).</summary>
    public static RetryAction Decide(RpcException error, RetrySafety safety) => Decide(error, safety, remembered: false);

    /// <summary>The rule; <paramref name="remembered"/>: the call carries ids and the servers keep a retry cache (case 4).</summary>
    public static RetryAction Decide(RpcException error, RetrySafety safety, bool remembered)
    {
        if (remembered && error.StatusCode == StatusCode.Aborted && error.Trailers.GetValue(ErrorCodeTrailer) == OutcomeUnknownCode)
        {
            return RetryAction.BackoffAndRotate;
        }

        if (error.StatusCode != StatusCode.Unavailable)
        {
            return RetryAction.Fail;
        }

        if (!string.IsNullOrEmpty(error.Trailers.GetValue(LeaderTrailer)))
        {
            return RetryAction.FollowLeader;
        }

        if (error.Trailers.GetValue(ErrorCodeTrailer) is not null)
        {
            return RetryAction.BackoffAndRotate;
        }

        return safety == RetrySafety.Idempotent || remembered || IsConnectFailure(error) ? RetryAction.BackoffAndRotate : RetryAction.Fail;
    }

    /// <summary>Whether a server's trailers declare that it keeps a retry cache (see case 4).</summary>
    public static bool DeclaresRetryCache(Metadata trailers) => trailers.GetValue(RetryCacheTrailer) == "1";

    /// <summary>
    /// Whether the failure happened while opening the connection, before any request bytes were sent: decided from
    /// the transport's exception types (socket error codes, HttpRequestError), never from message text.
    /// </summary>
    public static bool IsConnectFailure(RpcException error) =>
        error.StatusCode == StatusCode.Unavailable && error.Trailers.GetValue(ErrorCodeTrailer) is null && TransportCauses(error).Any(IsConnectTimeError);

    /// <summary>The transport exceptions behind a client-side status (Grpc.Net.Client keeps them in DebugException), outermost first.</summary>
    internal static IEnumerable<Exception> TransportCauses(RpcException error)
    {
        for (var e = error.Status.DebugException; e is not null; e = e.InnerException)
        {
            yield return e;
        }
    }

    private static bool IsConnectTimeError(Exception e) => e switch
    {
        HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
        SocketException socket => socket.SocketErrorCode is SocketError.ConnectionRefused or SocketError.HostUnreachable
            or SocketError.NetworkUnreachable or SocketError.HostNotFound or SocketError.TryAgain or SocketError.NoData,
        _ => false,
    };

    /// <summary>The delay before retry number <paramref name="retry"/> (0-based): half fixed, half random.</summary>
    public static TimeSpan Backoff(int retry, TimeSpan initial, TimeSpan max, Random random)
    {
        var ceiling = Math.Min(max.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, Math.Min(retry, 30)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (random.NextDouble() * ceiling / 2));
    }
}
