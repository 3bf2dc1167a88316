namespace JindoMeta.Rpc.Client;

/// <summary>
/// The cancellation of one client call: the caller's token plus the deadline, and the status each one means.
/// Allocated only when the call has a deadline or a cancellable token.
/// </summary>
internal sealed class CallScope : IDisposable
{
    private readonly CancellationTokenSource _source;
    private readonly CancellationToken _callerToken;
    private volatile bool _cancelledExplicitly;

    public CallScope(CancellationToken callerToken, DateTime? deadline)
    {
        _callerToken = callerToken;
        _source = callerToken.CanBeCanceled ? CancellationTokenSource.CreateLinkedTokenSource(callerToken) : new CancellationTokenSource();
        Deadline = deadline;
        if (deadline is { } d)
        {
            var remaining = d - DateTime.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                _source.Cancel();
            }
            else
            {
                _source.CancelAfter(remaining);
            }
        }
    }

    public DateTime? Deadline { get; }

    public CancellationToken Token => _source.Token;

    public bool IsCancelled => _source.IsCancellationRequested;

    public static CallScope? Create(in CallOptions options, DateTime? deadline) =>
        deadline is null && !options.CancellationToken.CanBeCanceled ? null : new CallScope(options.CancellationToken, deadline);

    /// <summary>Cancels the call (a disposed stream reader, or a cancelled read).</summary>
    public void Cancel()
    {
        _cancelledExplicitly = true;
        _source.Cancel();
    }

    /// <summary>
    /// The status of a call that our side cut short. Decided by who cancelled, not by the clock: the deadline
    /// timer may fire a little before DateTime.UtcNow reaches the deadline.
    /// </summary>
    public RpcException ToException() => _callerToken.IsCancellationRequested || _cancelledExplicitly || Deadline is null
        ? new RpcException(StatusCode.Cancelled, "The call was cancelled by the caller.")
        : new RpcException(StatusCode.DeadlineExceeded, "Deadline exceeded (enforced by the client).");

    public void Dispose() => _source.Dispose();
}
