using System.Collections.Concurrent;
using System.Net;
using Google.Protobuf;

namespace JindoMeta.Rpc.Client;

/// <summary>
/// A client for one server address over HTTP/2 without TLS (h2c, prior knowledge). Thread-safe; share one per
/// address. Calls fail with <see cref="RpcException"/> carrying the status and the server's trailers.
/// </summary>
public sealed partial class GrpcChannel : IDisposable
{
    private const string UserAgent = "grpc-csharp-jindometa/1.0";

    private readonly HttpMessageInvoker _invoker;
    private readonly Uri _baseAddress;
    private readonly ConcurrentDictionary<string, Uri> _methodUris = new(StringComparer.Ordinal);

    /// <param name="address">"host:port" or "http://host:port".</param>
    public GrpcChannel(string address, GrpcChannelOptions? options = null)
    {
        Options = options ?? new GrpcChannelOptions();
        _baseAddress = new Uri(address.Contains("://", StringComparison.Ordinal) ? address : "http://" + address);
        if (_baseAddress.Scheme != Uri.UriSchemeHttp)
        {
            throw new ArgumentException($"Address '{address}' must use http:// (h2c); TLS is not supported yet.", nameof(address));
        }

        var handler = new SocketsHttpHandler
        {
            // Kestrel allows a bounded number of streams per connection; open another rather than queue.
            EnableMultipleHttp2Connections = true,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
            KeepAlivePingDelay = Options.KeepAlivePingDelay,
            KeepAlivePingTimeout = Options.KeepAlivePingTimeout,
            KeepAlivePingPolicy = HttpKeepAlivePingPolicy.WithActiveRequests,
            ConnectTimeout = Options.ConnectTimeout,
            UseProxy = false,
            UseCookies = false,
            AllowAutoRedirect = false,
            AutomaticDecompression = DecompressionMethods.None,
        };
        _invoker = new HttpMessageInvoker(handler, disposeHandler: true);
    }

    public GrpcChannelOptions Options { get; }

    public string Target => _baseAddress.Authority;

    /// <summary>Calls a unary method; returns its response or throws <see cref="RpcException"/>.</summary>
    public Task<TResponse> CallUnaryAsync<TRequest, TResponse>(GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse> =>
        UnaryCoreAsync(method, request, options, null);

    /// <summary>Like <see cref="CallUnaryAsync"/>, and also returns the response headers and trailers.</summary>
    public async Task<UnaryResponse<TResponse>> CallUnaryWithMetadataAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var sink = new ResponseMetadataSink();
        var message = await UnaryCoreAsync(method, request, options, sink).ConfigureAwait(false);
        return new UnaryResponse<TResponse>(message, sink.Headers, sink.Trailers);
    }

    /// <summary>Starts a server-streaming call; read it with MoveNextAsync or ReadAllAsync, and dispose it.</summary>
    public ServerStreamingCall<TResponse> CallServerStreaming<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var deadline = options.EffectiveDeadline();
        var scope = new CallScope(options.CancellationToken, deadline); // always: disposing the call cancels it
        try
        {
            var message = CreateRequest(method.Path, request, options.Headers, deadline);
            return new ServerStreamingCall<TResponse>(this, message, scope, method.ResponseParser);
        }
        catch
        {
            scope.Dispose();
            throw;
        }
    }

    public void Dispose() => _invoker.Dispose();

    internal Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
        _invoker.SendAsync(request, cancellationToken);

    private async Task<TResponse> UnaryCoreAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, CallOptions options, ResponseMetadataSink? sink)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var deadline = options.EffectiveDeadline();
        using var scope = CallScope.Create(options, deadline);
        var token = scope?.Token ?? CancellationToken.None;
        using var httpRequest = CreateRequest(method.Path, request, options.Headers, deadline);
        HttpResponseMessage? response = null;
        try
        {
            if (scope is { IsCancelled: true })
            {
                throw scope.ToException(); // deadline already passed: do not send
            }

            response = await _invoker.SendAsync(httpRequest, token).ConfigureAwait(false);
            var stream = (await OpenResponseAsync(response, streaming: false, token).ConfigureAwait(false))!;
            var reply = await ResponseReader.ReadMessageAsync(stream, method.ResponseParser, Options.MaxReceiveMessageSize, token).ConfigureAwait(false);
            if (reply is not null && await ResponseReader.ReadMessageAsync(stream, method.ResponseParser, Options.MaxReceiveMessageSize, token).ConfigureAwait(false) is not null)
            {
                throw new RpcException(StatusCode.Internal, "The server sent more than one message on a unary call.");
            }

            var status = ReadStatus(response.TrailingHeaders);
            if (!status.IsOk)
            {
                throw new RpcException(status, ToMetadata(response.TrailingHeaders));
            }

            if (reply is null)
            {
                throw new RpcException(StatusCode.Internal, "The server ended a unary call with OK but sent no message.");
            }

            if (sink is not null)
            {
                sink.Headers = ToMetadata(response.Headers);
                sink.Trailers = ToMetadata(response.TrailingHeaders);
            }

            return reply;
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw MapException(ex, scope);
        }
        finally
        {
            response?.Dispose();
        }
    }

    internal HttpRequestMessage CreateRequest(string path, IMessage message, Metadata? headers, DateTime? deadline)
    {
        var size = message.CalculateSize();
        MessageFraming.ThrowIfTooLarge(size, Options.MaxSendMessageSize, "Request");
        var request = new HttpRequestMessage(HttpMethod.Post, _methodUris.GetOrAdd(path, static (p, b) => new Uri(b, p), _baseAddress))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact, // h2c prior knowledge: never fall back to HTTP/1.1
            Content = new FramedRequestContent(message, size),
        };
        var requestHeaders = request.Headers;
        requestHeaders.TryAddWithoutValidation("te", "trailers");
        requestHeaders.TryAddWithoutValidation("user-agent", UserAgent);
        if (deadline is { } d)
        {
            requestHeaders.TryAddWithoutValidation(GrpcProtocol.Timeout, GrpcTimeout.Format(d - DateTime.UtcNow));
        }

        if (headers is not null)
        {
            foreach (var entry in headers)
            {
                requestHeaders.TryAddWithoutValidation(entry.Key, Metadata.ToWireValue(entry));
            }
        }

        return request;
    }
}
