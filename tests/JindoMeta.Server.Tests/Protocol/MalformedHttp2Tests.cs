using System.Text;
using JindoMeta.Server.Tests.Support;
using JindoMeta.Server.Tests.Support.Http2;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Protocol;

/// <summary>
/// Broken HTTP/2, written straight to the daemon's socket: it must cost the daemon that connection (or that stream)
/// and nothing else.
/// </summary>
public sealed class MalformedHttp2Tests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private readonly DaemonFixture _daemon = daemon.BeginTest();

    [Fact]
    public async Task Garbage_instead_of_the_connection_preface_closes_only_that_connection()
    {
        await using var connection = await _daemon.OpenRawAsync(handshake: false);
        await connection.WriteAsync(Encoding.ASCII.GetBytes("\x16\x03\x01 this is not HTTP/2 at all\r\n\r\n"));

        var frames = await connection.ReadUntilClosedAsync();

        var goAway = Assert.Single(frames);
        Assert.Equal((Http2FrameType.GoAway, Http2ErrorCode.ProtocolError), (goAway.Type, goAway.ErrorCode));
        await _daemon.AssertStillServingAsync();
    }

    /// <summary>The port speaks HTTP/2 with prior knowledge only (GrpcEndpoint): HTTP/1.1 gets a plain 400 and a close.</summary>
    [Fact]
    public async Task An_HTTP_1_1_request_is_refused_with_400_and_the_connection_closed()
    {
        await using var connection = await _daemon.OpenRawAsync(handshake: false);
        await connection.WriteAsync(Encoding.ASCII.GetBytes($"POST {GrpcWire.GetFileInfoPath} HTTP/1.1\r\nHost: {connection.Authority}\r\nContent-Type: application/grpc\r\nContent-Length: 0\r\n\r\n"));

        var reply = Encoding.Latin1.GetString(await connection.ReadBytesUntilClosedAsync());

        Assert.StartsWith("HTTP/1.1 400 ", reply, StringComparison.Ordinal);
        Assert.DoesNotContain("grpc-status", reply, StringComparison.OrdinalIgnoreCase);
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task A_DATA_frame_on_stream_zero_is_a_connection_error_answered_with_GOAWAY_PROTOCOL_ERROR()
    {
        await using var connection = await _daemon.OpenRawAsync();
        await connection.WriteFrameAsync(Http2FrameType.Data, Http2Flags.None, streamId: 0, [1, 2, 3]);

        var frames = await connection.ReadUntilClosedAsync();

        var goAway = Assert.Single(frames, f => f.Type is Http2FrameType.GoAway);
        Assert.Equal(Http2ErrorCode.ProtocolError, goAway.ErrorCode);
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task A_stream_reset_in_the_middle_of_a_message_leaves_the_connection_serving_other_streams()
    {
        await using var connection = await _daemon.OpenRawAsync();
        var headers = GrpcWire.RequestHeaders(connection.Authority, GrpcWire.GetFileInfoPath);
        await connection.WriteHeadersAsync(streamId: 1, headers, endStream: false);
        await connection.WriteDataAsync(streamId: 1, GrpcWire.Prefixed(0, declaredLength: 100, [0x12, 0x01]), endStream: false); // 2 of 100 bytes
        await connection.WriteResetAsync(streamId: 1, Http2ErrorCode.Cancel);

        var next = await connection.SendAsync(streamId: 3, headers, GrpcWire.Message(new Proto.GetFileInfoRequest { Path = "/" }));

        Assert.True(next.GrpcStatus == 0, next.ToString());
        Assert.Equal(Proto.FileType.Directory, Proto.FileStatusResponse.Parser.ParseFrom(next.Data.ToArray()[5..]).Status.Type);
        await _daemon.AssertStillServingAsync();
    }
}
