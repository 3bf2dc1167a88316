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
/// fails the call: the caller must check what happened (e.g. stat the path) rather than risk doing it twice.</item>
/// <item>Anything else (not found, exists, permission, deadline, cancellation...) is final.</item>
/// </list>
/// </summary>
public static class RetryRule
{
    public const string ErrorCodeTrailer = "jindo-error-code";
    public const string LeaderTrailer = "jindo-leader";

    public static RetryAction Decide(RpcException error, RetrySafety safety)
    {
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

        return safety == RetrySafety.Idempotent || IsConnectFailure(error) ? RetryAction.BackoffAndRotate : RetryAction.Fail;
    }

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
