using JindoMeta.Protos.Grpc.Health.V1;
using JindoMeta.Rpc.Client;
using ServingStatus = JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace JindoMeta.Rpc.Tests;

/// <summary>grpc.health.v1.Health through our client.</summary>
public sealed class HealthServiceTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private static readonly GrpcMethod<HealthCheckRequest, HealthCheckResponse> Check = new("/grpc.health.v1.Health/Check", HealthCheckResponse.Parser);
    private static readonly GrpcMethod<HealthCheckRequest, HealthCheckResponse> Watch = new("/grpc.health.v1.Health/Watch", HealthCheckResponse.Parser);

    [Fact]
    public async Task Whole_server_reports_SERVING()
    {
        var reply = await fixture.Channel.CallUnaryAsync(Check, new HealthCheckRequest());

        Assert.Equal(ServingStatus.Serving, reply.Status);
    }

    [Fact]
    public async Task Unknown_service_is_NOT_FOUND_and_a_set_status_is_reported()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => fixture.Channel.CallUnaryAsync(Check, new HealthCheckRequest { Service = "jindo.Unknown" }));
        Assert.Equal(StatusCode.NotFound, error.StatusCode);

        fixture.Server.Health.SetServingStatus("jindo.Checked", ServingStatus.NotServing);

        var reply = await fixture.Channel.CallUnaryAsync(Check, new HealthCheckRequest { Service = "jindo.Checked" });
        Assert.Equal(ServingStatus.NotServing, reply.Status);
    }

    [Fact]
    public async Task Watch_sends_the_current_status_then_each_change()
    {
        fixture.Server.Health.SetServingStatus("jindo.Watched", ServingStatus.Serving);
        using var call = fixture.Channel.CallServerStreaming(Watch, new HealthCheckRequest { Service = "jindo.Watched" },
            new CallOptions(Timeout: TimeSpan.FromSeconds(10)));

        Assert.True(await call.MoveNextAsync());
        Assert.Equal(ServingStatus.Serving, call.Current.Status);

        fixture.Server.Health.SetServingStatus("jindo.Watched", ServingStatus.NotServing);
        Assert.True(await call.MoveNextAsync());
        Assert.Equal(ServingStatus.NotServing, call.Current.Status);

        fixture.Server.Health.ClearServingStatus("jindo.Watched");
        Assert.True(await call.MoveNextAsync());
        Assert.Equal(ServingStatus.ServiceUnknown, call.Current.Status);
    }
}
