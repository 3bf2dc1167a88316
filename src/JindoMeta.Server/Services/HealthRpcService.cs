using System.Threading.Channels;
using Grpc.Core;
using JindoMeta.Protos.Grpc.Health.V1;
using ServingStatus = JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace JindoMeta.Server.Services;

/// <summary>
/// grpc.health.v1.Health: Check, List and Watch over a serving status per service name ("" for the whole
/// server). A name nobody set is NOT_FOUND for Check and SERVICE_UNKNOWN for Watch, as the protocol says.
/// </summary>
public sealed class HealthRpcService : Health.HealthBase
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<Channel<ServingStatus>>> _watchers = new(StringComparer.Ordinal);
    private bool _watchesEnded;

    public void SetServingStatus(string service, ServingStatus status)
    {
        lock (_gate)
        {
            _statuses[service] = status;
            if (_watchers.TryGetValue(service, out var list))
            {
                foreach (var watcher in list)
                {
                    watcher.Writer.TryWrite(status);
                }
            }
        }
    }

    /// <summary>
    /// Shutdown: every Watch sends what it has not sent yet and ends with OK, so an open watcher does not hold the
    /// connection (and the daemon's exit) until the shutdown timeout. Later Watches send one status and end.
    /// </summary>
    public void EndWatches()
    {
        lock (_gate)
        {
            _watchesEnded = true;
            foreach (var watcher in _watchers.Values.SelectMany(list => list))
            {
                watcher.Writer.TryComplete();
            }
        }
    }

    public ServingStatus? GetServingStatus(string service)
    {
        lock (_gate)
        {
            return _statuses.TryGetValue(service, out var status) ? status : null;
        }
    }

    public override Task<HealthCheckResponse> Check(HealthCheckRequest request, ServerCallContext context) =>
        GetServingStatus(request.Service) is { } status
            ? Task.FromResult(new HealthCheckResponse { Status = status })
            : throw new RpcException(new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'."));

    public override Task<HealthListResponse> List(HealthListRequest request, ServerCallContext context)
    {
        var response = new HealthListResponse();
        lock (_gate)
        {
            foreach (var (service, status) in _statuses)
            {
                response.Statuses.Add(service, new HealthCheckResponse { Status = status });
            }
        }

        return Task.FromResult(response);
    }

    /// <summary>Sends the current status, then every change, until the client cancels or the deadline passes.</summary>
    public override async Task Watch(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> responseStream, ServerCallContext context)
    {
        // Only the newest status matters to a watcher, so a slow one skips intermediate values.
        var changes = Channel.CreateBounded<ServingStatus>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest });
        ServingStatus current;
        lock (_gate)
        {
            current = _statuses.TryGetValue(request.Service, out var known) ? known : ServingStatus.ServiceUnknown;
            if (!_watchers.TryGetValue(request.Service, out var list))
            {
                _watchers[request.Service] = list = [];
            }

            list.Add(changes);
            if (_watchesEnded)
            {
                changes.Writer.TryComplete();
            }
        }

        try
        {
            await responseStream.WriteAsync(new HealthCheckResponse { Status = current }, context.CancellationToken).ConfigureAwait(false);
            await foreach (var status in changes.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (status != current)
                {
                    current = status;
                    await responseStream.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The watcher went away or its deadline passed: the normal end of a Watch.
        }
        finally
        {
            lock (_gate)
            {
                _watchers[request.Service].Remove(changes);
            }
        }
    }
}
