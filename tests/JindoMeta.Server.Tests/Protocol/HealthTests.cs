using System.Diagnostics;
using Grpc.Core;
using JindoMeta.Protos.Grpc.Health.V1;
using JindoMeta.Server.Tests.Support;
using ServingStatus = JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace JindoMeta.Server.Tests.Protocol;

/// <summary>grpc.health.v1.Health, as load balancers and probes call it: per service name, and through shutdown.</summary>
public sealed class HealthTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>, IDisposable
{
    private static readonly string[] ServiceNames = ["", "jindometa.v1.NamespaceService", "jindometa.v1.AdminService"];

    private readonly DaemonFixture _daemon = daemon.BeginTest();
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("")]
    [InlineData("jindometa.v1.NamespaceService")]
    [InlineData("jindometa.v1.AdminService")]
    public async Task Check_answers_SERVING_for_the_server_and_each_service(string service)
    {
        var reply = await Health(_daemon).CheckAsync(new HealthCheckRequest { Service = service }, Deadline());

        Assert.Equal(ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Check_of_an_unknown_service_is_NOT_FOUND()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            Health(_daemon).CheckAsync(new HealthCheckRequest { Service = "jindometa.v1.NoSuchService" }, Deadline()).ResponseAsync);

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
    }

    [Fact]
    public async Task List_returns_the_server_and_both_services_as_SERVING()
    {
        var reply = await Health(_daemon).ListAsync(new HealthListRequest(), Deadline());

        Assert.Equal(ServiceNames.Order(StringComparer.Ordinal), reply.Statuses.Keys.Order(StringComparer.Ordinal));
        Assert.All(reply.Statuses.Values, status => Assert.Equal(ServingStatus.Serving, status.Status));
    }

    [Theory]
    [InlineData("", ServingStatus.Serving)]
    [InlineData("jindometa.v1.NamespaceService", ServingStatus.Serving)]
    [InlineData("jindometa.v1.NoSuchService", ServingStatus.ServiceUnknown)]
    public async Task Watch_first_sends_the_current_status(string service, ServingStatus expected)
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var watch = Health(_daemon).Watch(new HealthCheckRequest { Service = service }, cancellationToken: cancel.Token);

        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(expected, watch.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task On_SIGTERM_a_watcher_sees_NOT_SERVING_and_the_daemon_exits_0()
    {
        await using var stopping = await DaemonProcess.StartAsync(_temp.Sub("data"));
        using var client = new RawClient(stopping.Address);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        using var watch = new Health.HealthClient(client.Channel).Watch(new HealthCheckRequest { Service = "" }, cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);

        var exit = stopping.TerminateAsync();

        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token), "the watch ended without reporting NOT_SERVING");
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        watch.Dispose(); // a prober that saw NOT_SERVING hangs up
        Assert.Equal(0, await exit);
        Assert.Contains("Stopped: every store closed", stopping.Output, StringComparison.Ordinal);
    }

    /// <summary>An open watcher must not hold the daemon's stop until the shutdown timeout.</summary>
    [Fact]
    public async Task On_SIGTERM_a_watch_ends_after_reporting_NOT_SERVING()
    {
        await using var stopping = await DaemonProcess.StartAsync(_temp.Sub("data"));
        using var client = new RawClient(stopping.Address);
        using var cancel = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        using var watch = new Health.HealthClient(client.Channel).Watch(new HealthCheckRequest { Service = "" }, cancellationToken: cancel.Token);
        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));

        var exit = stopping.TerminateAsync();

        Assert.True(await watch.ResponseStream.MoveNext(cancel.Token));
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        Assert.False(await watch.ResponseStream.MoveNext(cancel.Token), "the watch should end with status OK");
        Assert.Equal(0, await exit);
    }

    private static Health.HealthClient Health(DaemonFixture daemon) => new(daemon.Client.Channel);

    private static CallOptions Deadline() => new(deadline: DateTime.UtcNow.AddSeconds(30));
}
