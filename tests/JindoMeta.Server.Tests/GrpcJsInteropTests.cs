using System.Diagnostics;
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
        var root = ConfigTests.RepoRoot();
        var nodeDirectory = Path.Combine(root, "tests", "JindoMeta.Server.Tests", "node");
        Assert.True(Directory.Exists(Path.Combine(nodeDirectory, "node_modules", "@grpc", "grpc-js")),
            $"npm peers missing in {nodeDirectory}: run tests/run.sh (it runs npm install there)");

        var lines = await RunNode(nodeDirectory, "namespace-client.js", daemon.Address, Path.Combine(root, "protos"));

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

    [Fact]
    public async Task A_generic_client_lists_and_calls_the_service_through_server_reflection()
    {
        await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));
        var root = ConfigTests.RepoRoot();

        var lines = await RunNode(Path.Combine(root, "tests", "JindoMeta.Server.Tests", "node"), "reflection-client.js", daemon.Address, Path.Combine(root, "protos"));

        var result = JsonDocument.Parse(Assert.Single(lines)).RootElement;
        var services = result.GetProperty("services").EnumerateArray().Select(s => s.GetString()).ToList();
        Assert.Contains("jindometa.v1.NamespaceService", services);
        Assert.Contains("jindometa.v1.AdminService", services);
        Assert.Contains("grpc.health.v1.Health", services);
        Assert.Contains("ListStatus", result.GetProperty("methods").EnumerateArray().Select(m => m.GetString()));
        Assert.Equal("FILE_TYPE_DIRECTORY", result.GetProperty("rootType").GetString());
        Assert.Equal("root", result.GetProperty("rootOwner").GetString());
    }

    private static async Task<List<string>> RunNode(string directory, string script, params string[] arguments)
    {
        using var process = Process.Start(new ProcessStartInfo("node", [script, .. arguments])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"node {script} failed: {await stderr}");
        return (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries).ToList();
    }
}
