namespace JindoMeta.Namespace.Commands;

/// <summary>
/// Which logical call a command is (HDFS RPC's clientId + callId): a client instance's random 16-byte id and its
/// call counter. A retry of the same operation carries the same pair, so a backend with a retry cache answers it
/// with the first attempt's outcome instead of executing it again.
/// </summary>
/// <param name="ClientId">The client instance's id; never <see cref="Guid.Empty"/> for a real call.</param>
/// <param name="CallId">The call's number within that client.</param>
public readonly record struct ClientCallId(Guid ClientId, long CallId)
{
    /// <summary>No id: the call is executed as it comes, without retry-cache protection.</summary>
    public static ClientCallId None => default;

    public bool IsNone => ClientId == Guid.Empty;

    public override string ToString() => IsNone ? "none" : $"{ClientId:N}/{CallId}";
}
