namespace JindoMeta.Rpc.Client;

/// <summary>
/// Per-call settings. The effective deadline is the earlier of <see cref="Deadline"/> and now + <see cref="Timeout"/>;
/// it is sent as grpc-timeout and also enforced locally.
/// </summary>
public readonly record struct CallOptions(
    Metadata? Headers = null,
    TimeSpan? Timeout = null,
    DateTime? Deadline = null,
    CancellationToken CancellationToken = default)
{
    internal DateTime? EffectiveDeadline()
    {
        DateTime? fromTimeout = Timeout is { } t ? DateTime.UtcNow + t : null;
        return (fromTimeout, Deadline) switch
        {
            (null, null) => null,
            ({ } a, null) => a,
            (null, { } b) => b.ToUniversalTime(),
            ({ } a, { } b) => a < b.ToUniversalTime() ? a : b.ToUniversalTime(),
        };
    }
}
