using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace JindoMeta.Rpc.Client;

/// <summary>
/// A running server-streaming call. Read messages with <see cref="MoveNextAsync"/>/<see cref="Current"/> or
/// <see cref="ReadAllAsync"/>; a non-OK end surfaces as <see cref="RpcException"/> from the read. Disposing the
/// call before the end cancels it (the server sees CANCELLED).
/// </summary>
public sealed class ServerStreamingCall<TResponse> : IAsyncDisposable, IDisposable
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcChannel _channel;
    private readonly HttpRequestMessage _request;
    private readonly CallScope _scope;
    private readonly MessageParser<TResponse> _parser;
    private readonly Task<HttpResponseMessage> _responseTask;
    private HttpResponseMessage? _response;
    private Stream? _stream;
    private TResponse? _current;
    private Metadata? _trailers;
    private bool _finished;

    internal ServerStreamingCall(GrpcChannel channel, HttpRequestMessage request, CallScope scope, MessageParser<TResponse> parser)
    {
        _channel = channel;
        _request = request;
        _scope = scope;
        _parser = parser;
        _responseTask = scope.IsCancelled ? Task.FromException<HttpResponseMessage>(scope.ToException()) : channel.SendAsync(request, scope.Token);
    }

    public TResponse Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true yet.");

    /// <summary>The server's response headers (waits for them).</summary>
    public async Task<Metadata> GetResponseHeadersAsync()
    {
        try
        {
            var response = await _responseTask.ConfigureAwait(false);
            return GrpcChannel.ToMetadata(response.Headers);
        }
        catch (Exception ex) when (ex is not RpcException)
        {
            throw GrpcChannel.MapException(ex, _scope);
        }
    }

    /// <summary>The trailers, available once the stream has ended with OK (on errors they are in the exception).</summary>
    public Metadata GetTrailers() => _trailers ?? throw new InvalidOperationException("The call has not finished yet.");

    /// <summary>Reads the next message; false at the end of a successful stream. Cancelling the token cancels the call.</summary>
    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        if (_finished)
        {
            return false;
        }

        using var registration = cancellationToken.CanBeCanceled ? cancellationToken.Register(_scope.Cancel) : default;
        try
        {
            if (_stream is null)
            {
                _response = await _responseTask.ConfigureAwait(false);
                _stream = await GrpcChannel.OpenResponseAsync(_response, streaming: true, _scope.Token).ConfigureAwait(false);
                if (_stream is null)
                {
                    _finished = true; // trailers-only OK: a stream without messages
                    _trailers = GrpcChannel.ToMetadata(_response.Headers);
                    return false;
                }
            }

            _current = await ResponseReader.ReadMessageAsync(_stream, _parser, _channel.Options.MaxReceiveMessageSize, _scope.Token).ConfigureAwait(false);
            if (_current is not null)
            {
                return true;
            }

            _finished = true;
            var status = GrpcChannel.ReadStatus(_response!.TrailingHeaders);
            _trailers = GrpcChannel.ToMetadata(_response.TrailingHeaders);
            return status.IsOk ? false : throw new RpcException(status, _trailers);
        }
        catch (Exception ex)
        {
            _finished = true;
            var error = ex as RpcException ?? (cancellationToken.IsCancellationRequested
                ? new RpcException(StatusCode.Cancelled, "The call was cancelled by the caller.")
                : GrpcChannel.MapException(ex, _scope));
            _scope.Cancel(); // stop the HTTP/2 stream: we will not read further
            throw error;
        }
    }

    public async IAsyncEnumerable<TResponse> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        while (await MoveNextAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return Current;
        }
    }

    public void Dispose()
    {
        if (!_finished)
        {
            _scope.Cancel();
        }

        _response?.Dispose();
        _request.Dispose();
        _scope.Dispose();
        _responseTask.ContinueWith(static t => _ = t.Exception, TaskScheduler.Default); // never leave it unobserved
    }

    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }
}
