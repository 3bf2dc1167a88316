using System.Text.Json;
using JindoMeta.Server.Tests.Support;

namespace JindoMeta.Server.Tests;

/// <summary>An independent peer: grpc-js with proto-loader, built from the public .proto, calls the daemon.</summary>
public sealed class GrpcJsInteropTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Grpc_js_calls_every_kind_of_namespace_operation_and_reads_error_trailers()
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));

        var lines = await PeerScript.RunNodeAsync("namespace-client.js", daemon.Address, PeerScript.ProtoRoot);

        var steps = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(8, steps.Count);
        Assert.All(steps.Take(5), s => Assert.True(s.TryGetProperty("ok", out _), $"failed: {s}"));
        var info = steps[3].GetProperty("ok").GetProperty("status");
        Assert.Equal("42", info.GetProperty("length").GetString());
        Assert.Equal("FILE_TYPE_FILE", info.GetProperty("type").GetString());
        Assert.Equal("7", info.GetProperty("blocks")[0].GetProperty("blockId").GetString());
        Assert.Equal("/node/dir/file.txt", steps[4].GetProperty("ok").GetProperty("entries")[0].GetProperty("path").GetString());
        Assert.Equal((5, "25001"), (steps[5].GetProperty("code").GetInt32(), steps[5].GetProperty("jindoCode").GetString()));
        Assert.Equal("/node/missing: No such file or directory", steps[5].GetProperty("details").GetString());
        Assert.Equal(16, steps[6].GetProperty("code").GetInt32()); // UNAUTHENTICATED without x-jindo-user
        Assert.Equal("LEADER", steps[7].GetProperty("ok").GetProperty("namespaces")[0].GetProperty("nodes")[0].GetProperty("role").GetString());
    }

    /// <summary>
    /// node/gzip-client.js forwards its calls through a TCP tap that reads the HTTP/2 DATA frames, so the gRPC
    /// compressed flag and the length on the wire are what grpc-js really sent, not what it was asked to send.
    /// </summary>
    [Fact]
    public async Task Gzip_compressed_requests_from_grpc_js_are_accepted_including_a_60_kB_block_list()
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));

        var lines = await PeerScript.RunNodeAsync("gzip-client.js", daemon.Address, PeerScript.ProtoRoot);

        var steps = lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(
            ["gzip Mkdirs", "gzip Create", "gzip Complete", "gzip GetFileInfo", "plain Create", "plain Complete"],
            steps.Select(s => $"{s.GetProperty("client").GetString()} {s.GetProperty("method").GetString()}"));
        Assert.All(steps, s => Assert.True(s.TryGetProperty("ok", out _), $"failed: {s}"));
        foreach (var step in steps)
        {
            var wire = Assert.Single(step.GetProperty("wire").EnumerateArray());
            var compressed = step.GetProperty("client").GetString() == "gzip";
            Assert.Equal(compressed ? 1 : 0, wire.GetProperty("compressedFlag").GetInt32());
            if (!compressed)
            {
                Assert.Equal(step.GetProperty("plainLength").GetInt32(), wire.GetProperty("messageLength").GetInt32()); // the tap reads lengths right
            }
        }

        var complete = steps[2];
        Assert.True(complete.GetProperty("plainLength").GetInt32() > 50_000, complete.ToString());
        Assert.True(complete.GetProperty("wire")[0].GetProperty("messageLength").GetInt32() < complete.GetProperty("plainLength").GetInt32() / 3,
            $"5,000 similar blocks should gzip to under a third: {complete}");
        var status = steps[3].GetProperty("ok").GetProperty("status");
        Assert.Equal("671088640000", status.GetProperty("length").GetString());
        Assert.Equal(5000, status.GetProperty("blocks").GetProperty("count").GetInt32());
        Assert.Equal("5999", status.GetProperty("blocks").GetProperty("last").GetProperty("blockId").GetString());
        Assert.False(status.GetProperty("underConstruction").GetBoolean());
    }

    [Theory]
    [InlineData("v1")]
    [InlineData("v1alpha")]
    public async Task A_generic_client_lists_and_calls_the_service_through_server_reflection(string version)
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));

        var lines = await PeerScript.RunNodeAsync("reflection-client.js", daemon.Address, PeerScript.ProtoRoot, version);

        var result = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        Assert.Equal(version, result.GetProperty("version").GetString());
        var services = result.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("jindometa.v1.NamespaceService", services);
        Assert.Contains("jindometa.v1.AdminService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("grpc.reflection.v1.ServerReflection", services);
        Assert.Contains("grpc.reflection.v1alpha.ServerReflection", services);
        Assert.Contains("ListStatus", result.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal(1, result.GetProperty("fileCount").GetInt32()); // namespace.proto imports nothing
        Assert.Equal(5, result.GetProperty("unknownSymbolCode").GetInt32()); // NOT_FOUND in the reflection error reply
        Assert.Equal("FILE_TYPE_DIRECTORY", result.GetProperty("rootType").GetString());
        Assert.Equal("root", result.GetProperty("rootOwner").GetString());
    }
}
