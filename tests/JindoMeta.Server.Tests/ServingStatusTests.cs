using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Server.Hosting;
using JindoMeta.Server.Services;
using ServingStatus = JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace JindoMeta.Server.Tests;

/// <summary>The hook through which a backend (raft without a leader, recovery in progress) turns health NOT_SERVING.</summary>
public sealed class ServingStatusTests
{
    [Fact]
    public void A_backend_that_stops_taking_writes_turns_the_namespace_service_NOT_SERVING_and_back()
    {
        var healthy = new SwitchableBackend();
        var flaky = new SwitchableBackend();
        var health = new HealthRpcService();
        using var publisher = new ServingStatusPublisher(health, new NamespaceRegistry(new Dictionary<string, INamespaceBackend> { ["a"] = healthy, ["b"] = flaky }));
        Assert.Equal(ServingStatus.NotServing, health.GetServingStatus("")); // not listening yet

        publisher.Started();
        Assert.Equal(ServingStatus.Serving, health.GetServingStatus(ServingStatusPublisher.NamespaceServiceName));

        flaky.Serving = false;
        Assert.Equal(ServingStatus.NotServing, health.GetServingStatus(ServingStatusPublisher.NamespaceServiceName));
        Assert.Equal(ServingStatus.Serving, health.GetServingStatus(""));
        Assert.Equal(ServingStatus.Serving, health.GetServingStatus(ServingStatusPublisher.AdminServiceName));

        flaky.Serving = true;
        Assert.Equal(ServingStatus.Serving, health.GetServingStatus(ServingStatusPublisher.NamespaceServiceName));

        publisher.Stopping();
        flaky.Serving = true; // a late backend event must not revive a stopping server
        Assert.All(["", ServingStatusPublisher.NamespaceServiceName, ServingStatusPublisher.AdminServiceName],
            name => Assert.Equal(ServingStatus.NotServing, health.GetServingStatus(name)));
    }

    private sealed class SwitchableBackend : INamespaceBackend
    {
        private bool _serving = true;

        public event EventHandler? ServingChanged;

        public string BackendType => "test";

        public bool Serving
        {
            get => _serving;
            set
            {
                _serving = value;
                ServingChanged?.Invoke(this, EventArgs.Empty);
            }
        }

        public BackendStatus GetStatus() => new(BackendType, "LEADER", "RUNNING", 0, new Dictionary<string, string>()) { Serving = _serving };

        public ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<Result<FileStatus>> GetFileInfoAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask<Result<DirectoryListing>> ListStatusAsync(string path, string? startAfter, int limit, CallerIdentity caller, CancellationToken cancellationToken = default) =>
            throw new NotSupportedException();

        public ValueTask<Result<ContentSummary>> GetContentSummaryAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
