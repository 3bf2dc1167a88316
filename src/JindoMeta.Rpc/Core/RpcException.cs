namespace JindoMeta.Rpc;

/// <summary>
/// A call that ended with a non-OK status. Servers throw it from handlers (the status and trailers go to the
/// client); clients receive it with the server's status, message and trailers (e.g. a numeric error-code trailer).
/// </summary>
public sealed class RpcException : Exception
{
    public RpcException(Status status, Metadata? trailers = null)
        : base(status.ToString())
    {
        Status = status;
        Trailers = trailers ?? new Metadata();
    }

    public RpcException(StatusCode code, string detail, Metadata? trailers = null)
        : this(new Status(code, detail), trailers)
    {
    }

    public Status Status { get; }

    public StatusCode StatusCode => Status.Code;

    /// <summary>Trailers sent with the status (server side: added to the response; client side: as received).</summary>
    public Metadata Trailers { get; }
}
