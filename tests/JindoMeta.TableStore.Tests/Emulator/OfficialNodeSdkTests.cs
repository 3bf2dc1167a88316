using System.Diagnostics;
using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Emulator;

/// <summary>The official Node.js SDK (tablestore@5.6.5, node/package.json) against the emulator.</summary>
public sealed class OfficialNodeSdkTests
{
    [Fact]
    public async Task Node_sdk_runs_every_operation_with_conditions_paging_batches_and_transactions()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var output = await RunNodeAsync("scenario.js", h);
        foreach (var step in new[] { "tables", "rows", "batches", "ranges", "transactions", "cleanup" })
        {
            Assert.Contains("ok " + step, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Node_sdk_with_wrong_credentials_and_a_tampered_signature_is_rejected()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var output = await RunNodeAsync("auth.js", h);
        Assert.Contains("ok auth", output, StringComparison.Ordinal);
    }

    private static async Task<string> RunNodeAsync(string script, EmulatorHarness h)
    {
        var directory = TestPaths.NodeDirectory;
        Assert.True(Directory.Exists(Path.Combine(directory, "node_modules", "tablestore")), $"run npm install in {directory} (tests/run.sh does)");
        var start = new ProcessStartInfo("node", script)
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["OTS_ENDPOINT"] = h.Emulator.Endpoint.ToString().TrimEnd('/');
        start.Environment["OTS_INSTANCE"] = EmulatorHarness.Instance;
        start.Environment["OTS_KEY_ID"] = EmulatorHarness.KeyId;
        start.Environment["OTS_SECRET"] = EmulatorHarness.Secret;
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        var output = await stdout;
        Assert.True(process.ExitCode == 0, $"node {script} failed ({process.ExitCode}):\n{output}\n{await stderr}");
        return output;
    }
}
