using System.Diagnostics;
using JindoMeta.TableStore.Emulator;

namespace JindoMeta.TableStore.Tests.Emulator;

/// <summary>The <c>tablestore-emulator</c> command: flags, a banner without the secret, and serving our client.</summary>
public sealed class EmulatorCommandTests
{
    [Fact]
    public async Task Command_listens_with_its_flags_and_never_prints_the_secret()
    {
        var directory = Directory.CreateTempSubdirectory("tablestore-command-").FullName;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", typeof(TableStoreEmulator).Assembly.Location, "--port", "0", "--instance", "cmd-inst", "--access-key-id", "cmd-id", "--data-dir", directory })
        {
            start.ArgumentList.Add(argument);
        }
        start.Environment["TABLESTORE_EMULATOR_SECRET"] = "cmd-secret-value";
        using var process = Process.Start(start)!;
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            var banner = await process.StandardOutput.ReadLineAsync(timeout.Token);
            Assert.NotNull(banner);
            Assert.DoesNotContain("cmd-secret-value", banner, StringComparison.Ordinal);
            var endpoint = banner.Split("listening on ")[1].Split(' ')[0];
            using var client = new TableStoreClient(new TableStoreOptions { Endpoint = new Uri(endpoint), InstanceName = "cmd-inst", AccessKeyId = "cmd-id", AccessKeySecret = "cmd-secret-value" });
            await client.CreateTableAsync(new TableSchema("t", [new("k", PrimaryKeyType.Integer)]));
            Assert.Equal(["t"], await client.ListTablesAsync());
            Assert.True(Directory.Exists(Path.Combine(directory, "rocksdb")));
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Bad_flags_are_named_and_exit_with_usage()
    {
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { "exec", typeof(TableStoreEmulator).Assembly.Location, "--busy-rate", "2" })
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.Equal(2, process.ExitCode);
        Assert.Contains("--busy-rate", error, StringComparison.Ordinal);
    }
}
