using JindoMeta.Namespace.Backend;
using JindoMeta.Server.Services;
using ServingStatus = JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// Keeps gRPC health in step with the server: "" and AdminService are SERVING while the server runs;
/// NamespaceService is SERVING only while every namespace's backend takes writes (backends say when that
/// changes through <see cref="INamespaceBackend.ServingChanged"/>); everything is NOT_SERVING once shutdown begins.
/// </summary>
public sealed class ServingStatusPublisher : IDisposable
{
    public const string NamespaceServiceName = "jindometa.v1.NamespaceService";
    public const string AdminServiceName = "jindometa.v1.AdminService";

    private readonly HealthRpcService _health;
    private readonly NamespaceRegistry _registry;
    private readonly Lock _gate = new();
    private bool _running;

    public ServingStatusPublisher(HealthRpcService health, NamespaceRegistry registry)
    {
        _health = health;
        _registry = registry;
        foreach (var name in new[] { "", NamespaceServiceName, AdminServiceName })
        {
            health.SetServingStatus(name, ServingStatus.NotServing);
        }

        foreach (var backend in registry.Backends.Values)
        {
            backend.ServingChanged += OnServingChanged;
        }
    }

    /// <summary>The server is listening: report what each service can do.</summary>
    public void Started()
    {
        lock (_gate)
        {
            _running = true;
            _health.SetServingStatus("", ServingStatus.Serving);
            _health.SetServingStatus(AdminServiceName, ServingStatus.Serving);
            PublishNamespaceStatus();
        }
    }

    /// <summary>Shutdown began: load balancers and probes should stop sending calls here.</summary>
    public void Stopping()
    {
        lock (_gate)
        {
            _running = false;
            foreach (var name in new[] { "", NamespaceServiceName, AdminServiceName })
            {
                _health.SetServingStatus(name, ServingStatus.NotServing);
            }

            _health.EndWatches();
        }
    }

    public void Dispose()
    {
        foreach (var backend in _registry.Backends.Values)
        {
            backend.ServingChanged -= OnServingChanged;
        }
    }

    private void OnServingChanged(object? sender, EventArgs e)
    {
        lock (_gate)
        {
            if (_running)
            {
                PublishNamespaceStatus();
            }
        }
    }

    private void PublishNamespaceStatus()
    {
        var serving = _registry.Backends.Values.All(b => b.GetStatus().Serving);
        _health.SetServingStatus(NamespaceServiceName, serving ? ServingStatus.Serving : ServingStatus.NotServing);
    }
}
