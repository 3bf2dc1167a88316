using Google.Protobuf;
using JindoMeta.Rpc.Client;
using JindoMeta.Rpc.Tests.Protos;

namespace JindoMeta.Rpc.Tests;

/// <summary>Our client against grpc-js's server (node/server.js, the twin of TestEchoService).</summary>
public sealed class GrpcJsServerInteropTests : IAsyncLifetime
{
    private NodePeer _peer = null!;
    private GrpcChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _peer = await NodePeer.StartServerAsync();
        _channel = new GrpcChannel($"127.0.0.1:{_peer.Port}");
    }

    public async Task DisposeAsync()
    {
        _channel.Dispose();
        await _peer.DisposeAsync();
    }

    [Fact]
    public async Task Unary_call_with_metadata_both_ways()
    {
        byte[] trace = [0, 0xFF, 0x10, 0x80, 7];
        var headers = new Metadata { { "x-request-id", "cs-1" }, { "x-trace-bin", trace } };

        var response = await _channel.CallUnaryWithMetadataAsync(EchoServerFixture.Unary,
            new EchoRequest { Text = "hello grpc-js", Payload = ByteString.CopyFromUtf8("p") }, new CallOptions(Headers: headers, Timeout: TimeSpan.FromSeconds(5)));

        Assert.Equal("hello grpc-js", response.Message.Text);
        Assert.Equal("cs-1", response.Message.Metadata["x-request-id"]);
        Assert.Equal("AP8QgAc", response.Message.Metadata["x-trace-bin"]);
        Assert.InRange(response.Message.DeadlineMs, 3000, 5000);
        Assert.Equal("cs-1", response.Headers.GetString("x-echo-header"));
        Assert.Equal("cs-1", response.Trailers.GetString("x-echo-trailer"));
        Assert.Equal(trace, response.Trailers.GetBytes("x-echo-trailer-bin"));
    }

    [Fact]
    public async Task Error_status_message_and_trailers_from_grpc_js()
    {
        const string message = "nicht gefunden: ö ✓ 100% \t \"q\" %41\nzweite Zeile";

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { FailCode = (int)StatusCode.PermissionDenied, FailMessage = message }));

        Assert.Equal(StatusCode.PermissionDenied, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
        Assert.Equal("25021", error.Trailers.GetString(TestEchoService.ErrorCodeTrailer));
        Assert.Equal(TestEchoService.DetailBytes, error.Trailers.GetBytes(TestEchoService.DetailTrailer));
    }

    [Fact]
    public async Task Deadline_cancellation_limits_and_unknown_methods()
    {
        var deadline = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { DelayMs = 5000 }, new CallOptions(Timeout: TimeSpan.FromMilliseconds(200))));
        Assert.Equal(StatusCode.DeadlineExceeded, deadline.StatusCode);

        using var cancel = new CancellationTokenSource(150);
        var cancelled = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { DelayMs = 10_000 }, new CallOptions(CancellationToken: cancel.Token)));
        Assert.Equal(StatusCode.Cancelled, cancelled.StatusCode);

        var tooLarge = await Assert.ThrowsAsync<RpcException>(() => _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { ReplySize = 5 << 20 }));
        Assert.Equal(StatusCode.ResourceExhausted, tooLarge.StatusCode);

        var unknown = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CallUnaryAsync(new GrpcMethod<EchoRequest, EchoReply>("/jindometa.rpc.test.Echo/Nope", EchoReply.Parser), new EchoRequest()));
        Assert.Equal(StatusCode.Unimplemented, unknown.StatusCode);

        var large = await _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[3_500_000]) });
        Assert.Equal(3_500_000, large.Payload.Length);
    }

    [Fact]
    public async Task Server_streaming_from_grpc_js()
    {
        using var call = _channel.CallServerStreaming(EchoServerFixture.Stream, new EchoRequest { Count = 9, Text = "s" });
        var indexes = new List<int>();
        await foreach (var reply in call.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal(Enumerable.Range(0, 9), indexes);

        using var failing = _channel.CallServerStreaming(EchoServerFixture.Stream, new EchoRequest { Count = 2, FailCode = (int)StatusCode.Aborted, FailMessage = "conflict ✗" });
        Assert.True(await failing.MoveNextAsync());
        Assert.True(await failing.MoveNextAsync());
        var error = await Assert.ThrowsAsync<RpcException>(async () => await failing.MoveNextAsync());
        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("conflict ✗", error.Status.Detail);
        Assert.Equal("25021", error.Trailers.GetString(TestEchoService.ErrorCodeTrailer));
    }

    [Fact]
    public async Task Many_concurrent_calls_to_grpc_js()
    {
        var replies = await Task.WhenAll(Enumerable.Range(0, 200).Select(i =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture) })));

        Assert.Equal(Enumerable.Range(0, 200).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), replies.Select(r => r.Text));
    }
}
