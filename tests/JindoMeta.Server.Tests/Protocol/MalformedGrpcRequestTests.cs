using Grpc.Core;
using JindoMeta.Server.Tests.Support;
using JindoMeta.Server.Tests.Support.Http2;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Protocol;

/// <summary>
/// Well-formed HTTP/2 carrying gRPC requests no correct client sends, over a raw connection: each ends that call with
/// a status the client can act on, logs no error, and the daemon keeps serving.
/// </summary>
public sealed class MalformedGrpcRequestTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    /// <summary>
    /// Grpc.AspNetCore answers these as if the handler had thrown: UNKNOWN "Exception was thrown by handler." plus an
    /// error-level stack trace in the daemon's log, for input that is the client's fault.
    /// </summary>
    private static readonly byte[] ValidBody = GrpcWire.Message(new Proto.GetFileInfoRequest { Path = "/" });

    private readonly DaemonFixture _daemon = daemon.BeginTest();

    [Theory]
    [InlineData("a length prefix claiming more than is sent before END_STREAM", StatusCode.Internal)]
    [InlineData("a length prefix cut short", StatusCode.Internal)]
    [InlineData("no message at all", StatusCode.Internal)]
    [InlineData("two messages on a unary call", StatusCode.Internal)]
    [InlineData("the compressed flag without a grpc-encoding", StatusCode.Internal)]
    [InlineData("a length prefix over the message size limit", StatusCode.ResourceExhausted)]
    // Grpc.AspNetCore decodes the request before any handler or interceptor runs and answers a failure there as
    // UNKNOWN ("Exception was thrown by handler."); its call-handler log is silenced, so the daemon logs nothing.
    [InlineData("protobuf bytes that do not parse", StatusCode.Unknown)]
    [InlineData("a compressed flag byte other than 0 or 1", StatusCode.Unknown)]
    public async Task A_malformed_message_ends_the_call_with_its_status_and_no_error_log(string body, StatusCode expected)
    {
        var response = await SendAsync(Bodies[body]);

        AssertGrpcStatus(expected, response);
        Assert.NotEmpty(response.GrpcMessage);
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task Binary_metadata_that_is_not_base64_is_INTERNAL_without_an_error_log()
    {
        var response = await SendAsync(ValidBody, ("x-trace-bin", "!!not base64!!"));

        AssertGrpcStatus(StatusCode.Internal, response);
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task A_content_type_other_than_application_grpc_is_HTTP_415_with_INTERNAL()
    {
        var response = await SendAsync(ValidBody, ("content-type", "application/json"));

        Assert.True(response.HttpStatus == 415, response.ToString());
        AssertGrpcStatus(StatusCode.Internal, response);
        Assert.Contains("application/json", response.GrpcMessage, StringComparison.Ordinal);
        await _daemon.AssertStillServingAsync();
    }

    /// <summary>Grpc.AspNetCore maps gRPC methods for POST only; routing answers anything else (the old server: 405).</summary>
    [Fact]
    public async Task GET_instead_of_POST_is_a_plain_HTTP_404_without_grpc_status()
    {
        var response = await SendAsync(body: null, (":method", "GET"));

        Assert.True(response.HttpStatus == 404 && response.GrpcStatus is null, response.ToString());
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task An_unsupported_grpc_encoding_is_UNIMPLEMENTED_and_names_the_accepted_encodings()
    {
        var response = await SendAsync(GrpcWire.Prefixed(1, 2, [0x12, 0x00]), ("grpc-encoding", "snappy"));

        AssertGrpcStatus(StatusCode.Unimplemented, response);
        Assert.Contains("snappy", response.GrpcMessage, StringComparison.Ordinal);
        var accepted = (response.Header("grpc-accept-encoding") ?? "").Split(',', StringSplitOptions.TrimEntries);
        Assert.Contains("identity", accepted);
        await _daemon.AssertStillServingAsync();
    }

    /// <summary>
    /// Grpc.AspNetCore ignores a grpc-timeout it cannot parse (logged at debug) and serves the call without a deadline;
    /// the old server answered INTERNAL.
    /// </summary>
    [Theory]
    [InlineData("12x")]
    [InlineData("1.5S")]
    [InlineData("-1S")]
    [InlineData("123456789m")] // 9 digits where the protocol allows 8: taken as 34 hours
    public async Task A_malformed_grpc_timeout_does_not_fail_the_call(string timeout)
    {
        var response = await SendAsync(ValidBody, ("grpc-timeout", timeout));

        AssertGrpcStatus(StatusCode.OK, response);
        await _daemon.AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/jindometa.v1.NamespaceService/NoSuchMethod")]
    [InlineData("/jindometa.v1.NoSuchService/GetFileInfo")]
    public async Task A_method_the_daemon_does_not_have_is_UNIMPLEMENTED(string path)
    {
        await using var connection = await _daemon.OpenRawAsync();

        var response = await connection.SendAsync(streamId: 1, GrpcWire.RequestHeaders(connection.Authority, path), ValidBody);

        AssertGrpcStatus(StatusCode.Unimplemented, response);
        await _daemon.AssertStillServingAsync();
    }

    private static readonly Dictionary<string, byte[]> Bodies = new()
    {
        ["a length prefix claiming more than is sent before END_STREAM"] = GrpcWire.Prefixed(0, 100, [0x12, 0x01, 0x2F]),
        ["a length prefix cut short"] = [0, 0, 0],
        ["no message at all"] = [],
        ["two messages on a unary call"] = [.. ValidBody, .. ValidBody],
        ["the compressed flag without a grpc-encoding"] = GrpcWire.Prefixed(1, 2, [0x12, 0x00]),
        ["a length prefix over the message size limit"] = GrpcWire.Prefixed(0, 100 << 20, []), // the limit is 16 MiB
        ["protobuf bytes that do not parse"] = GrpcWire.Prefixed(0, 3, [0xFF, 0xFF, 0xFF]),
        ["a compressed flag byte other than 0 or 1"] = GrpcWire.Prefixed(2, 2, [0x12, 0x00]),
    };

    private async Task<Http2Response> SendAsync(byte[]? body, params (string Name, string? Value)[] changes)
    {
        await using var connection = await _daemon.OpenRawAsync();
        return await connection.SendAsync(streamId: 1, GrpcWire.RequestHeaders(connection.Authority, GrpcWire.GetFileInfoPath, changes), body);
    }

    private static void AssertGrpcStatus(StatusCode expected, Http2Response response)
    {
        Assert.True(response.GrpcStatus == (int)expected, $"expected grpc-status {(int)expected} ({expected}), got {response}");
        Assert.Null(response.ResetCode);
    }
}
