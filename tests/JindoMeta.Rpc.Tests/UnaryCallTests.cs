using System.Diagnostics;
using Google.Protobuf;
using JindoMeta.Rpc.Client;
using JindoMeta.Rpc.Tests.Protos;

namespace JindoMeta.Rpc.Tests;

/// <summary>Our client against our server: unary calls, metadata, statuses, deadlines, cancellation, limits.</summary>
public sealed class UnaryCallTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private readonly GrpcChannel _channel = fixture.Channel;

    [Fact]
    public async Task Unary_call_returns_the_handlers_reply()
    {
        var reply = await _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Text = "hello", Payload = ByteString.CopyFromUtf8("p") });

        Assert.Equal("hello", reply.Text);
        Assert.Equal("p", reply.Payload.ToStringUtf8());
        Assert.Equal(-1, reply.DeadlineMs);
    }

    [Fact]
    public async Task Empty_request_message_round_trips()
    {
        var reply = await _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest());

        Assert.Equal(string.Empty, reply.Text);
    }

    [Fact]
    public async Task Metadata_travels_both_ways_including_binary_values()
    {
        byte[] trace = [0, 0xFF, 0x10, 0x80, 7];
        var headers = new Metadata { { "x-request-id", "req-42" }, { "x-trace-bin", trace } };

        var response = await _channel.CallUnaryWithMetadataAsync(EchoServerFixture.Unary, new EchoRequest(), new CallOptions(Headers: headers));

        Assert.Equal("req-42", response.Message.Metadata["x-request-id"]);
        Assert.Equal(Convert.ToBase64String(trace).TrimEnd('='), response.Message.Metadata["x-trace-bin"]);
        Assert.Equal("req-42", response.Headers.GetString("x-echo-header"));
        Assert.Equal("req-42", response.Trailers.GetString("x-echo-trailer"));
        Assert.Equal(trace, response.Trailers.GetBytes("x-echo-trailer-bin"));
    }

    [Fact]
    public async Task Server_sees_the_clients_deadline()
    {
        var reply = await _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest(), new CallOptions(Timeout: TimeSpan.FromSeconds(5)));

        Assert.InRange(reply.DeadlineMs, 3000, 5000);
    }

    [Fact]
    public async Task Expired_deadline_ends_the_call_with_DEADLINE_EXCEEDED_and_cancels_the_handler()
    {
        var watch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { DelayMs = 5000 }, new CallOptions(Timeout: TimeSpan.FromMilliseconds(200))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(watch.ElapsedMilliseconds, 150, 3000);
        Assert.Equal("/jindometa.rpc.test.Echo/Unary", await ReadCancelledAsync());
    }

    [Fact]
    public async Task Deadline_in_the_past_fails_without_calling()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest(), new CallOptions(Deadline: DateTime.UtcNow.AddSeconds(-1))));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
    }

    [Fact]
    public async Task Cancelling_the_token_ends_the_call_with_CANCELLED_and_the_server_sees_it()
    {
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(150));

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { DelayMs = 10_000 }, new CallOptions(CancellationToken: cancel.Token)));

        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        Assert.Equal("/jindometa.rpc.test.Echo/Unary", await ReadCancelledAsync());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Error_status_carries_a_unicode_message_and_custom_trailers(bool viaStatus)
    {
        const string message = "nicht gefunden: ö ✓ 100% \t \"q\" %41\nzweite Zeile \u0001";

        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.CallUnaryAsync(
            EchoServerFixture.Unary, new EchoRequest { FailCode = (int)StatusCode.NotFound, FailMessage = message, FailViaStatus = viaStatus }));

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal(message, error.Status.Detail);
        Assert.Equal("25021", error.Trailers.GetString(TestEchoService.ErrorCodeTrailer));
        Assert.Equal(TestEchoService.DetailBytes, error.Trailers.GetBytes(TestEchoService.DetailTrailer));
    }

    [Fact]
    public async Task Unexpected_handler_exception_is_UNKNOWN_without_its_details()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Crash = true }));

        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("secret", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unknown_method_is_UNIMPLEMENTED()
    {
        var method = new GrpcMethod<EchoRequest, EchoReply>("/jindometa.rpc.test.Echo/Nope", EchoReply.Parser);

        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.CallUnaryAsync(method, new EchoRequest()));

        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        Assert.Contains("/jindometa.rpc.test.Echo/Nope", error.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Large_messages_within_the_limits_round_trip_intact()
    {
        var payload = new byte[3_500_000];
        new Random(7).NextBytes(payload);

        var reply = await _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Payload = ByteString.CopyFrom(payload) });

        Assert.True(reply.Payload.Span.SequenceEqual(payload));
    }

    [Fact]
    public async Task Request_over_the_servers_receive_limit_is_RESOURCE_EXHAUSTED()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[5 << 20]) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Reply_over_the_clients_receive_limit_is_RESOURCE_EXHAUSTED()
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { ReplySize = 5 << 20 }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Reply_over_the_servers_send_limit_is_RESOURCE_EXHAUSTED()
    {
        using var channel = new GrpcChannel(fixture.Server.Address, new GrpcChannelOptions { MaxReceiveMessageSize = 64 << 20 });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { ReplySize = EchoServerFixture.ServerMaxSend + 1 }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        var big = await channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { ReplySize = 6 << 20 });
        Assert.Equal(6 << 20, big.Payload.Length);
    }

    [Fact]
    public async Task Request_over_the_clients_send_limit_fails_locally_with_RESOURCE_EXHAUSTED()
    {
        using var channel = new GrpcChannel(fixture.Server.Address, new GrpcChannelOptions { MaxSendMessageSize = 1000 });

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Payload = ByteString.CopyFrom(new byte[2000]) }));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
    }

    [Fact]
    public async Task Connection_refused_is_UNAVAILABLE()
    {
        var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        using var channel = new GrpcChannel($"127.0.0.1:{port}");

        var error = await Assert.ThrowsAsync<RpcException>(() => channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest()));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
    }

    [Fact]
    public async Task Many_concurrent_calls_all_succeed()
    {
        var calls = Enumerable.Range(0, 300).Select(i =>
            _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Text = i.ToString(System.Globalization.CultureInfo.InvariantCulture), DelayMs = 20 }));

        var replies = await Task.WhenAll(calls);

        Assert.Equal(Enumerable.Range(0, 300).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), replies.Select(r => r.Text));
    }

    private async Task AssertServerStillServesAsync()
    {
        var reply = await _channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Text = "still here" });
        Assert.Equal("still here", reply.Text);
    }

    private async Task<string> ReadCancelledAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        return await fixture.Service.CancelledCalls.Reader.ReadAsync(timeout.Token);
    }
}
