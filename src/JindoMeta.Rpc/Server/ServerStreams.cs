namespace JindoMeta.Rpc.Server;

/// <summary>Where a streaming handler writes its responses; writes are serialised with the call's end.</summary>
public interface IServerStreamWriter<in T>
{
    /// <summary>Sends one message and flushes it to the network.</summary>
    Task WriteAsync(T message, CancellationToken cancellationToken = default);
}

/// <summary>The incoming messages of a client- or bidirectional-streaming call.</summary>
public interface IAsyncStreamReader<out T>
{
    T Current { get; }

    /// <summary>Advances to the next message; false when the client has half-closed its side.</summary>
    ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default);
}
