using System.Diagnostics;
using Grpc.Core;
using JindoMeta.Server.Tests.Support;
using JindoMeta.Server.Tests.Support.Http2;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Protocol;

/// <summary>
/// Deadlines, on the client and on the daemon. The daemon's side is driven over a raw connection that sends the
/// request headers with a grpc-timeout and withholds the message: nothing but the deadline can end such a call
/// (GetFileInfo itself answers in well under a millisecond, faster than a tiny deadline fires).
/// </summary>
public sealed class DeadlineTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private readonly DaemonFixture _daemon = daemon.BeginTest();

    [Fact]
    public async Task A_call_whose_deadline_already_passed_fails_with_DEADLINE_EXCEEDED_and_is_never_sent()
    {
        var client = new Proto.NamespaceService.NamespaceServiceClient(_daemon.Client.Channel);
        var options = new CallOptions(new Metadata { { "x-jindo-user", "root" } }, deadline: DateTime.UtcNow.AddSeconds(-1));

        var error = await Assert.ThrowsAsync<RpcException>(() => client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/too-late", CreateParent = true }, options).ResponseAsync);

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        var lookup = await Assert.ThrowsAsync<RpcException>(() => _daemon.Client.GetFileInfoAsync("/too-late"));
        Assert.Equal(StatusCode.NotFound, lookup.StatusCode);
        await _daemon.AssertStillServingAsync();
    }

    [Theory]
    [InlineData("1u")]
    [InlineData("1m")]
    public async Task The_daemon_ends_a_call_with_DEADLINE_EXCEEDED_once_a_tiny_grpc_timeout_passes(string timeout)
    {
        await using var connection = await _daemon.OpenRawAsync();

        var (response, answeredBeforeTheMessage) = await WithholdMessageAsync(connection, timeout, TimeSpan.FromSeconds(20));

        Assert.True(answeredBeforeTheMessage, response.ToString());
        Assert.True(response.GrpcStatus == (int)StatusCode.DeadlineExceeded, response.ToString());
        Assert.Single(response.Frames); // trailers-only
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task The_daemon_does_not_end_a_call_before_its_grpc_timeout()
    {
        await using var connection = await _daemon.OpenRawAsync();
        var clock = Stopwatch.StartNew();

        var (response, _) = await WithholdMessageAsync(connection, "500m", TimeSpan.FromSeconds(20));

        Assert.True(response.GrpcStatus == (int)StatusCode.DeadlineExceeded, response.ToString());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(450), $"answered after {clock.ElapsedMilliseconds} ms");
        await _daemon.AssertStillServingAsync();
    }

    /// <summary>
    /// Grpc.AspNetCore turns grpc-timeout into whole 100 ns ticks and ignores a timeout that is not positive, so "0n"
    /// and "1n" mean no deadline at all (the old server answered DEADLINE_EXCEEDED at once). No gRPC library sends them:
    /// a client whose deadline has passed fails the call without sending it (see above).
    /// </summary>
    [Theory]
    [InlineData("0n")]
    [InlineData("1n")]
    public async Task A_grpc_timeout_below_100_ns_means_no_deadline(string timeout)
    {
        await using var connection = await _daemon.OpenRawAsync();

        var (response, answeredBeforeTheMessage) = await WithholdMessageAsync(connection, timeout, TimeSpan.FromSeconds(1));

        Assert.False(answeredBeforeTheMessage, response.ToString());
        Assert.True(response.GrpcStatus == (int)StatusCode.OK, response.ToString());
        await _daemon.AssertStillServingAsync();
    }

    /// <summary>
    /// Sends a GetFileInfo's headers with <paramref name="timeout"/>, waits up to <paramref name="withhold"/> for an
    /// answer, then (if none came) sends the message and reads the answer.
    /// </summary>
    private static async Task<(Http2Response Response, bool AnsweredBeforeTheMessage)> WithholdMessageAsync(
        RawHttp2Connection connection, string timeout, TimeSpan withhold)
    {
        var headers = GrpcWire.RequestHeaders(connection.Authority, GrpcWire.GetFileInfoPath, ("grpc-timeout", timeout));
        await connection.WriteHeadersAsync(streamId: 1, headers, endStream: false);
        var answer = connection.ReadResponseAsync(streamId: 1);
        if (await Task.WhenAny(answer, Task.Delay(withhold)) == answer)
        {
            return (await answer, true);
        }

        await connection.WriteDataAsync(streamId: 1, GrpcWire.Message(new Proto.GetFileInfoRequest { Path = "/" }), endStream: true);
        return (await answer, false);
    }
}
