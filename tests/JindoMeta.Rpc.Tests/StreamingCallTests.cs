using JindoMeta.Rpc.Client;
using JindoMeta.Rpc.Tests.Protos;

namespace JindoMeta.Rpc.Tests;

/// <summary>Server-streaming calls: order, end status and trailers, deadlines and cancellation mid-stream.</summary>
public sealed class StreamingCallTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private readonly GrpcChannel _channel = fixture.Channel;

    [Fact]
    public async Task Stream_delivers_every_message_in_order_then_trailers()
    {
        var headers = new Metadata { { "x-request-id", "s-1" } };
        using var call = _channel.CallServerStreaming(EchoServerFixture.Stream, new EchoRequest { Text = "t", Count = 9 }, new CallOptions(Headers: headers));

        var indexes = new List<int>();
        await foreach (var reply in call.ReadAllAsync())
        {
            indexes.Add(reply.Index);
        }

        Assert.Equal(Enumerable.Range(0, 9), indexes);
        Assert.Equal("s-1", (await call.GetResponseHeadersAsync()).GetString("x-echo-header"));
        Assert.Equal("s-1", call.GetTrailers().GetString("x-echo-trailer"));
    }

    [Fact]
    public async Task Stream_with_no_messages_ends_cleanly()
    {
        using var call = _channel.CallServerStreaming(EchoServerFixture.Stream, new EchoRequest { Count = 0 });

        Assert.False(await call.MoveNextAsync());
    }

    [Fact]
    public async Task Error_after_some_messages_reaches_the_reader_with_its_trailers()
    {
        using var call = _channel.CallServerStreaming(EchoServerFixture.Stream,
            new EchoRequest { Count = 2, FailCode = (int)StatusCode.Aborted, FailMessage = "conflict ✗" });

        Assert.True(await call.MoveNextAsync());
        Assert.True(await call.MoveNextAsync());
        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.MoveNextAsync());

        Assert.Equal(StatusCode.Aborted, error.StatusCode);
        Assert.Equal("conflict ✗", error.Status.Detail);
        Assert.Equal("25021", error.Trailers.GetString(TestEchoService.ErrorCodeTrailer));
    }

    [Fact]
    public async Task Deadline_mid_stream_is_DEADLINE_EXCEEDED_after_the_messages_sent_in_time()
    {
        using var call = _channel.CallServerStreaming(EchoServerFixture.Stream,
            new EchoRequest { Count = 100, DelayMs = 20 }, new CallOptions(Timeout: TimeSpan.FromMilliseconds(1500)));

        var received = 0;
        var error = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.MoveNextAsync())
            {
                received++;
            }
        });

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.InRange(received, 1, 99); // some in time (~75 on an idle machine), never all 100
    }

    [Fact]
    public async Task Disposing_a_stream_early_cancels_the_handler()
    {
        var call = _channel.CallServerStreaming(EchoServerFixture.Stream, new EchoRequest { Count = 1000, DelayMs = 20 });
        Assert.True(await call.MoveNextAsync());

        call.Dispose();

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        Assert.Equal("/jindometa.rpc.test.Echo/Stream", await fixture.Service.CancelledCalls.Reader.ReadAsync(timeout.Token));
    }

    [Fact]
    public async Task Error_before_the_first_message_is_a_trailers_only_response()
    {
        using var call = _channel.CallServerStreaming(EchoServerFixture.Stream,
            new EchoRequest { Count = 0, FailCode = (int)StatusCode.NotFound, FailMessage = "no such directory" });

        var error = await Assert.ThrowsAsync<RpcException>(async () => await call.MoveNextAsync());

        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("no such directory", error.Status.Detail);
        Assert.Equal(TestEchoService.DetailBytes, error.Trailers.GetBytes(TestEchoService.DetailTrailer));
    }
}
