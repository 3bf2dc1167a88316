using System.Globalization;
using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Protos.Raft.V1;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>Everything this node sends to one peer: a bounded queue filled by the driver loop and one task that drains
/// it into a long-lived client stream, reopening the stream with backoff when it fails.</summary>
/// <remarks>The queue is the only thing shared with the driver loop; the stream, batch buffers and failure count
/// belong to the sender task.</remarks>
internal sealed class PeerSender : IAsyncDisposable
{
    private readonly RaftMember _peer;
    private readonly GrpcRaftTransportOptions _options;
    private readonly Func<TimeSpan, TimeSpan> _jitter;
    private readonly Action<RaftPeerRefusal> _onRefused;
    private readonly PeerMessageQueue _queue;
    private readonly GrpcChannel _channel;
    private readonly RaftPeerService.RaftPeerServiceClient _client;
    private readonly Metadata _headers;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _sentMessages;
    private long _sentBatches;
    private long _oversizeMessages;
    private long _streamFailures;
    private volatile bool _connected;

    public PeerSender(RaftMember peer, GrpcRaftTransportOptions options, string fingerprint, Func<TimeSpan, TimeSpan> jitter, Action<RaftPeerRefusal> onRefused)
    {
        _peer = peer;
        _options = options;
        _jitter = jitter;
        _onRefused = onRefused;
        _queue = new PeerMessageQueue(options.MaxQueuedMessages, options.MaxQueuedBytes);
        _headers = new Metadata
        {
            { RaftPeerHeaders.From, options.SelfId.ToString(CultureInfo.InvariantCulture) },
            { RaftPeerHeaders.ConfigurationFingerprint, fingerprint },
            { RaftPeerHeaders.Group, options.Group },
        };
        _channel = GrpcChannel.ForAddress(PeerUri(peer, options.Tls is not null), new GrpcChannelOptions
        {
            HttpHandler = new SocketsHttpHandler
            {
                // One connection per peer: a single stream lives on it, so a second connection would only cost a handshake.
                EnableMultipleHttp2Connections = false,
                // A peer whose host vanished (no RST) is detected by the missing ping reply: 10 s + 5 s.
                KeepAlivePingDelay = TimeSpan.FromSeconds(10),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(5),
                KeepAlivePingPolicy = HttpKeepAlivePingPolicy.Always,
                ConnectTimeout = TimeSpan.FromSeconds(2),
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                SslOptions = options.Tls?.ClientOptions() ?? new System.Net.Security.SslClientAuthenticationOptions(),
            },
            MaxSendMessageSize = options.MaxGrpcMessageBytes,
            MaxReceiveMessageSize = options.MaxGrpcMessageBytes,
        });
        _client = new RaftPeerService.RaftPeerServiceClient(_channel);
        _loop = Task.Run(RunAsync);
    }

    public RaftPeerStatistics Statistics => new(
        _peer.NodeId,
        _connected,
        _queue.Count,
        _queue.Bytes,
        Interlocked.Read(ref _sentMessages),
        Interlocked.Read(ref _sentBatches),
        _queue.Dropped,
        Interlocked.Read(ref _oversizeMessages),
        Interlocked.Read(ref _streamFailures));

    /// <summary>Queues <paramref name="message"/> for the sender task; never waits (full queue: dropped and counted).</summary>
    public void Enqueue(Message message)
    {
        var size = RaftMessageMapper.EstimateSize(message);
        if (size > _options.MaxGrpcMessageBytes - RaftMessageMapper.MessageOverheadBytes)
        {
            Interlocked.Increment(ref _oversizeMessages);
            RaftTransportLog.OversizeMessageDropped(_options.Logger, message.Type.ToString(), size, _peer.NodeId, _options.MaxGrpcMessageBytes);
            return;
        }

        _queue.TryEnqueue(message, size);
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Stopped while waiting.
        }

        _channel.Dispose();
        _stopping.Dispose();
    }

    private static Uri PeerUri(RaftMember peer, bool tls)
    {
        var host = peer.Host.Contains(':', StringComparison.Ordinal) ? $"[{peer.Host}]" : peer.Host;
        return new Uri(string.Create(CultureInfo.InvariantCulture, $"{(tls ? "https" : "http")}://{host}:{peer.Port}"));
    }

    private async Task RunAsync()
    {
        var token = _stopping.Token;
        var failures = 0;
        var batch = new List<Message>();
        while (!token.IsCancellationRequested)
        {
            AsyncClientStreamingCall<RaftBatch, SendSummary>? call = null;
            try
            {
                // Open a stream only when there is something to send: an idle peer costs no call.
                await _queue.WaitAsync(token).ConfigureAwait(false);
                call = _client.Send(_headers, cancellationToken: token);

                // The reply only matters when a write fails (StatusOf reads it); observe it so a cancelled stream does
                // not surface as an unobserved task exception.
                _ = call.ResponseAsync.ContinueWith(static reply => _ = reply.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
                while (true)
                {
                    _queue.ResetSignal();
                    batch.Clear();
                    _queue.DrainInto(batch, _options.MaxBatchBytes);
                    if (batch.Count == 0)
                    {
                        await _queue.WaitAsync(token).ConfigureAwait(false);
                        continue;
                    }

                    await call.RequestStream.WriteAsync(ToProto(batch), token).ConfigureAwait(false);
                    Interlocked.Add(ref _sentMessages, batch.Count);
                    Interlocked.Increment(ref _sentBatches);
                    batch.Clear();
                    if (!_connected)
                    {
                        _connected = true;
                        failures = 0;
                        RaftTransportLog.PeerConnected(_options.Logger, _peer.NodeId, _peer.Address);
                    }
                }
            }
            catch (Exception) when (token.IsCancellationRequested)
            {
                // Disposed: the write or wait was cancelled (as OperationCanceledException or RpcException Cancelled).
                break;
            }
            catch (Exception error) when (error is RpcException or IOException or HttpRequestException or InvalidOperationException or OperationCanceledException)
            {
                // InvalidOperationException: a write after the server ended the call; its status says why.
                failures++;
                var status = StatusOf(call, error);
                var refused = status.StatusCode is StatusCode.PermissionDenied or StatusCode.FailedPrecondition;
                _queue.CountLost(batch.Count);
                batch.Clear();
                await BackOffAsync(failures, status, refused, token).ConfigureAwait(false);
            }
            finally
            {
                call?.Dispose();
            }
        }
    }

    private async Task BackOffAsync(int failures, Status status, bool refused, CancellationToken token)
    {
        var wasConnected = _connected;
        _connected = false;
        Interlocked.Increment(ref _streamFailures);
        _queue.Clear();

        // A refusal will not heal by retrying quickly (the peer's configuration differs): go straight to the cap.
        var exponent = Math.Min(failures - 1, 20);
        var ceiling = refused ? _options.MaxBackoff : TimeSpan.FromTicks(Math.Min(_options.MaxBackoff.Ticks, _options.InitialBackoff.Ticks << exponent));
        var delay = _jitter(ceiling);
        var reason = string.IsNullOrEmpty(status.Detail) ? status.StatusCode.ToString() : $"{status.StatusCode}: {status.Detail}";
        if (refused)
        {
            RaftTransportLog.PeerRefusedUs(_options.Logger, _peer.NodeId, _peer.Address, reason);
            _onRefused(new RaftPeerRefusal(_peer.NodeId, RaftPeerRefusalReason.RefusedByPeer, $"raft peer {_peer.NodeId} at {_peer.Address} refused this node's stream: {status.Detail}"));
        }
        else if (wasConnected || failures == 1)
        {
            RaftTransportLog.PeerUnreachable(_options.Logger, _peer.NodeId, _peer.Address, reason, (long)delay.TotalMilliseconds);
        }
        else
        {
            RaftTransportLog.PeerStillUnreachable(_options.Logger, _peer.NodeId, _peer.Address, reason, (long)delay.TotalMilliseconds);
        }

        try
        {
            await Task.Delay(delay, token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            // Disposed during the backoff.
        }
    }

    /// <summary>The call's final status when the server ended it (a refusal carries its reason there), otherwise what
    /// the exception says.</summary>
    private static Status StatusOf(AsyncClientStreamingCall<RaftBatch, SendSummary>? call, Exception error)
    {
        if (call is not null && call.ResponseAsync.IsCompleted)
        {
            try
            {
                return call.GetStatus();
            }
            catch (InvalidOperationException)
            {
                // No status yet.
            }
        }

        return error is RpcException rpc ? rpc.Status : new Status(StatusCode.Unavailable, error.Message);
    }

    private static RaftBatch ToProto(List<Message> batch)
    {
        var proto = new RaftBatch();
        foreach (var message in batch)
        {
            proto.Messages.Add(RaftMessageMapper.ToProto(message));
        }

        return proto;
    }
}
