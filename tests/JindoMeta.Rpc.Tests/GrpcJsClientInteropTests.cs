using System.Text.Json;

namespace JindoMeta.Rpc.Tests;

/// <summary>grpc-js (an independent implementation) as the client of our server: node/client.js runs the cases.</summary>
public sealed class GrpcJsClientInteropTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    [Fact]
    public async Task Grpc_js_client_sees_the_right_replies_statuses_and_metadata()
    {
        using var results = JsonDocument.Parse(await NodePeer.RunAsync("client.js", fixture.Server.Address));
        var root = results.RootElement;

        var unary = root.GetProperty("unary");
        Assert.Equal(0, unary.GetProperty("code").GetInt32());
        Assert.Equal("hello from grpc-js", unary.GetProperty("reply").GetProperty("text").GetString());
        Assert.Equal("js-1", unary.GetProperty("reply").GetProperty("metadata").GetProperty("x-request-id").GetString());
        Assert.Equal("AP8QgAc", unary.GetProperty("reply").GetProperty("metadata").GetProperty("x-trace-bin").GetString());
        Assert.Equal("js-1", unary.GetProperty("headers").GetProperty("x-echo-header").GetString());
        Assert.Equal("js-1", unary.GetProperty("trailers").GetProperty("x-echo-trailer").GetString());
        Assert.Equal("AP8QgAc=", unary.GetProperty("trailers").GetProperty("x-echo-trailer-bin").GetString());

        var error = root.GetProperty("error");
        Assert.Equal((int)StatusCode.NotFound, error.GetProperty("code").GetInt32());
        Assert.Equal("nicht gefunden: ö ✓ 100% \t \"q\" %41\nzweite Zeile", error.GetProperty("details").GetString());
        Assert.Equal("25021", error.GetProperty("trailers").GetProperty("x-error-code").GetString());
        Assert.Equal(Convert.ToBase64String(TestEchoService.DetailBytes), error.GetProperty("trailers").GetProperty("x-detail-bin").GetString());

        Assert.Equal((int)StatusCode.Unknown, Code(root, "crash"));
        Assert.Equal((int)StatusCode.DeadlineExceeded, Code(root, "deadline"));
        Assert.InRange(root.GetProperty("deadline").GetProperty("elapsedMs").GetInt32(), 150, 3000);
        Assert.Equal(0, Code(root, "deadlineOk"));
        Assert.InRange(long.Parse(root.GetProperty("deadlineOk").GetProperty("reply").GetProperty("deadline_ms").GetString()!, System.Globalization.CultureInfo.InvariantCulture), 3000, 5000);
        Assert.Equal((int)StatusCode.Cancelled, Code(root, "cancel"));
        Assert.Equal((int)StatusCode.ResourceExhausted, Code(root, "tooLargeReply"));
        Assert.Equal((int)StatusCode.ResourceExhausted, Code(root, "tooLargeRequest"));
        Assert.Equal(3_500_000, root.GetProperty("large").GetProperty("length").GetInt32());
        Assert.Equal((int)StatusCode.Unimplemented, Code(root, "unimplemented"));

        Assert.Equal([0, 1, 2, 3, 4], Indexes(root, "stream"));
        Assert.Equal(0, Code(root, "stream"));
        Assert.Equal([0, 1], Indexes(root, "streamError"));
        Assert.Equal((int)StatusCode.Aborted, Code(root, "streamError"));
        Assert.Equal("conflict ✗", root.GetProperty("streamError").GetProperty("details").GetString());
        Assert.Equal((int)StatusCode.DeadlineExceeded, Code(root, "streamDeadline"));
        Assert.InRange(Indexes(root, "streamDeadline").Length, 1, 99);

        Assert.Equal(250, root.GetProperty("concurrent").GetProperty("ok").GetInt32());
        Assert.Equal("SERVING", root.GetProperty("health").GetProperty("status").GetString());
    }

    private static int Code(JsonElement root, string name) => root.GetProperty(name).GetProperty("code").GetInt32();

    private static int[] Indexes(JsonElement root, string name) =>
        root.GetProperty(name).GetProperty("indexes").EnumerateArray().Select(e => e.GetInt32()).ToArray();
}
