using System.Threading.Channels;
using JindoMeta.Protos.Grpc.Health.V1;
using JindoMeta.Rpc.Server;
using ServingStatus = JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace JindoMeta.Rpc.Health;

/// <summary>
/// grpc.health.v1.Health: Check, List and Watch over a settable serving status per service name. The empty name
/// stands for the whole server and starts as SERVING.
/// </summary>
public sealed class HealthService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ServingStatus> _statuses = new(StringComparer.Ordinal) { [string.Empty] = ServingStatus.Serving };
    private readonly Dictionary<string, List<Channel<ServingStatus>>> _watchers = new(StringComparer.Ordinal);

    public void SetServingStatus(string service, ServingStatus status)
    {
        lock (_gate)
        {
            _statuses[service] = status;
            Notify(service, status);
        }
    }

    /// <summary>Forgets a service: Check answers NOT_FOUND and watchers see SERVICE_UNKNOWN.</summary>
    public void ClearServingStatus(string service)
    {
        lock (_gate)
        {
            if (_statuses.Remove(service))
            {
                Notify(service, ServingStatus.ServiceUnknown);
            }
        }
    }

    internal GrpcServiceDefinition CreateDefinition() =>
        GrpcServiceDefinition.FromDescriptor(HealthReflection.Descriptor.Services[0])
            .AddUnary<HealthCheckRequest, HealthCheckResponse>("Check", CheckAsync)
            .AddUnary<HealthListRequest, HealthListResponse>("List", ListAsync)
            .AddServerStreaming<HealthCheckRequest, HealthCheckResponse>("Watch", WatchAsync);

    private ValueTask<HealthCheckResponse> CheckAsync(HealthCheckRequest request, ServerCallContext context)
    {
        lock (_gate)
        {
            if (_statuses.TryGetValue(request.Service, out var status))
            {
                return ValueTask.FromResult(new HealthCheckResponse { Status = status });
            }
        }

        context.Status = new Status(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
        return ValueTask.FromResult<HealthCheckResponse>(null!);
    }

    private ValueTask<HealthListResponse> ListAsync(HealthListRequest request, ServerCallContext context)
    {
        var response = new HealthListResponse();
        lock (_gate)
        {
            foreach (var (service, status) in _statuses)
            {
                response.Statuses.Add(service, new HealthCheckResponse { Status = status });
            }
        }

        return ValueTask.FromResult(response);
    }

    /// <summary>Sends the current status, then every change, until the client cancels or the deadline passes.</summary>
    private async Task WatchAsync(HealthCheckRequest request, IServerStreamWriter<HealthCheckResponse> writer, ServerCallContext context)
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
        }

        try
        {
            await writer.WriteAsync(new HealthCheckResponse { Status = current }, context.CancellationToken).ConfigureAwait(false);
            await foreach (var status in changes.Reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
            {
                if (status != current)
                {
                    current = status;
                    await writer.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers[request.Service].Remove(changes);
            }
        }
    }

    private void Notify(string service, ServingStatus status)
    {
        if (_watchers.TryGetValue(service, out var list))
        {
            foreach (var watcher in list)
            {
                watcher.Writer.TryWrite(status);
            }
        }
    }
}
