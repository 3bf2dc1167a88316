using Microsoft.AspNetCore.Http;

namespace JindoMeta.Rpc.Server;

/// <summary>
/// Everything a handler may know about its call: method, peer, request metadata, deadline, cancellation, and the
/// response metadata and status it wants to send. One instance per call; not thread-safe except where noted.
/// </summary>
/// <remarks>
/// A handler ends a call with an error either by throwing <see cref="RpcException"/> or, without the cost of an
/// exception, by setting <see cref="Status"/> to a non-OK value and returning (the returned message is then ignored).
/// </remarks>
public sealed partial class ServerCallContext
{
    private readonly HttpContext _http;
    private readonly CancellationTokenSource? _deadlineSource;
    private Metadata? _requestHeaders;
    private Metadata? _responseHeaders;
    private Metadata? _responseTrailers;

    internal ServerCallContext(HttpContext http, string method, GrpcServerOptions options, TimeSpan? timeout)
    {
        _http = http;
        Method = method;
        Options = options;
        if (timeout is { } t)
        {
            Deadline = DateTime.UtcNow + t;
            _deadlineSource = CancellationTokenSource.CreateLinkedTokenSource(http.RequestAborted);
            if (t <= TimeSpan.Zero)
            {
                _deadlineSource.Cancel(); // CancelAfter(0) would only fire on a timer, after a fast handler returned
            }
            else
            {
                _deadlineSource.CancelAfter(t);
            }

            CancellationToken = _deadlineSource.Token;
        }
        else
        {
            Deadline = DateTime.MaxValue;
            CancellationToken = http.RequestAborted;
        }
    }

    /// <summary>The full method path, e.g. "/grpc.health.v1.Health/Check".</summary>
    public string Method { get; }

    /// <summary>The client's address in gRPC's form, e.g. "ipv4:127.0.0.1:52000".</summary>
    public string Peer
    {
        get
        {
            var address = _http.Connection.RemoteIpAddress;
            if (address is null)
            {
                return "unknown";
            }

            var family = address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6:[" + address + "]" : "ipv4:" + address;
            return $"{family}:{_http.Connection.RemotePort}";
        }
    }

    /// <summary>UTC deadline from the client's grpc-timeout, or <see cref="DateTime.MaxValue"/> when it sent none.</summary>
    public DateTime Deadline { get; }

    /// <summary>Cancelled when the client cancels or resets the call, or when the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The client's metadata (protocol headers such as content-type and grpc-timeout left out).</summary>
    public Metadata RequestHeaders => _requestHeaders ??= ReadRequestHeaders();

    /// <summary>Metadata sent before the first response message (or with the status if no message is sent).</summary>
    public Metadata ResponseHeaders => _responseHeaders ??= [];

    /// <summary>Metadata sent with the final status.</summary>
    public Metadata ResponseTrailers => _responseTrailers ??= [];

    /// <summary>The status to end the call with when the handler returns normally (OK unless set).</summary>
    public Status Status { get; set; } = Status.Ok;

    internal GrpcServerOptions Options { get; }

    internal HttpContext HttpContext => _http;

    private Metadata ReadRequestHeaders()
    {
        var metadata = new Metadata();
        foreach (var (key, values) in _http.Request.Headers)
        {
            var name = key.ToLowerInvariant();
            if (Metadata.IsReserved(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                if (value is not null && !metadata.TryAddFromWire(name, value))
                {
                    throw new RpcException(StatusCode.Internal, $"Request metadata '{name}' is not valid base64.");
                }
            }
        }

        return metadata;
    }
}
