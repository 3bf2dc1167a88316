using JindoMeta.Server.Tests.Support;
using JindoMeta.Server.Tests.Support.Http2;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Protocol;

/// <summary>
/// The wire shape of answers, read frame by frame: an error is "trailers-only" (one HEADERS frame that ends the
/// stream), which clients of every language read, and it carries our numeric error code as a trailer.
/// </summary>
public sealed class TrailersOnlyErrorTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    private readonly DaemonFixture _daemon = daemon.BeginTest();

    [Fact]
    public async Task A_missing_path_is_one_HEADERS_frame_with_END_STREAM_carrying_NOT_FOUND_and_jindo_error_code_25001()
    {
        await using var connection = await _daemon.OpenRawAsync();

        var response = await connection.SendAsync(streamId: 1, GrpcWire.RequestHeaders(connection.Authority, GrpcWire.GetFileInfoPath),
            GrpcWire.Message(new Proto.GetFileInfoRequest { Path = "/no/such/file" }));

        var only = Assert.Single(response.Frames);
        Assert.True(only.Type is Http2FrameType.Headers && only.Has(Http2Flags.EndStream), response.ToString());
        Assert.Equal("200", response.Header(":status"));
        Assert.Equal("application/grpc", response.Header("content-type"));
        Assert.Equal("5", response.Header("grpc-status"));
        Assert.Equal("25001", response.Header("jindo-error-code"));
        Assert.Equal("/no/such/file: No such file or directory", response.GrpcMessage);
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task A_success_is_HEADERS_then_one_DATA_message_then_trailers_with_status_0()
    {
        await using var connection = await _daemon.OpenRawAsync();

        var response = await connection.SendAsync(streamId: 1, GrpcWire.RequestHeaders(connection.Authority, GrpcWire.GetFileInfoPath),
            GrpcWire.Message(new Proto.GetFileInfoRequest { Path = "/" }));

        Assert.Equal([Http2FrameType.Headers, Http2FrameType.Data, Http2FrameType.Headers], response.Frames.Select(f => f.Type));
        Assert.True(response.Frames[^1].Has(Http2Flags.EndStream), response.ToString());
        Assert.Equal(("200", null, "0"), (response.Header(":status"), response.Header("grpc-status"), response.Trailer("grpc-status")));
        var message = response.Data.ToArray();
        Assert.Equal(0, message[0]); // not compressed
        var reply = Proto.FileStatusResponse.Parser.ParseFrom(message[5..]);
        Assert.Equal((Proto.FileType.Directory, "root"), (reply.Status.Type, reply.Status.Owner));
    }
}
