namespace JindoMeta.Rpc.Client;

/// <summary>A unary result together with the server's response headers and trailers.</summary>
public sealed record UnaryResponse<TResponse>(TResponse Message, Metadata Headers, Metadata Trailers);

/// <summary>Filled by a unary call when the caller asked for the response metadata.</summary>
internal sealed class ResponseMetadataSink
{
    public Metadata Headers { get; set; } = [];

    public Metadata Trailers { get; set; } = [];
}
