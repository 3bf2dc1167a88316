using JindoMeta.TableStore.Emulator;
using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Emulator;

/// <summary>
/// A second emulator on a data directory or a port that a running one holds: the command says so in one line and
/// exits with 1, the library throws <see cref="DataDirectoryInUseException"/>, and the first one keeps serving.
/// </summary>
public sealed class EmulatorStartFailureTests
{
    [Theory]
    [InlineData("rocksdb")]
    [InlineData("log")]
    public async Task Second_command_on_a_data_directory_in_use_prints_one_line_naming_it_and_exits_with_1(string storage)
    {
        using var directory = new TempDirectory("tablestore-in-use");
        await using var first = await EmulatorProcess.StartAsync("--data-dir", directory.Path, "--storage", storage);
        using var client = first.NewClient();
        await client.CreateTableAsync(EmulatorHarness.UsersSchema());
        await client.PutRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)), [new("v", "before")]);

        await using var second = EmulatorProcess.Launch("--data-dir", directory.Path, "--storage", storage);
        var exitCode = await second.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        var line = Assert.Single(second.StandardError);
        Assert.StartsWith("tablestore-emulator: data directory " + directory.Path + " is in use by another", line, StringComparison.Ordinal);
        Assert.DoesNotContain(second.StandardOutput, output => output.Contains("listening", StringComparison.Ordinal));
        await client.PutRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 2L)), [new("v", "after")]);
        var row = (await client.GetRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)))).Row;
        Assert.Equal("before", row!.GetColumn("v")!.Value.Value.AsString());
        await first.SignalAsync("TERM");
        Assert.Equal(0, await first.WaitForExitAsync());
    }

    [Fact]
    public async Task Second_command_on_a_port_in_use_prints_one_line_naming_it_and_exits_with_1()
    {
        await using var first = await EmulatorProcess.StartAsync();
        var port = first.Endpoint.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);

        await using var second = EmulatorProcess.Launch("--port", port);
        var exitCode = await second.WaitForExitAsync();

        Assert.Equal(1, exitCode);
        var line = Assert.Single(second.StandardError);
        Assert.StartsWith($"tablestore-emulator: port {port} on 127.0.0.1 is in use", line, StringComparison.Ordinal);
        using var client = first.NewClient();
        Assert.Empty(await client.ListTablesAsync());
    }

    [Theory]
    [InlineData(EmulatorStorage.RocksDb)]
    [InlineData(EmulatorStorage.Log)]
    public async Task In_process_a_second_emulator_on_a_data_directory_in_use_throws_and_the_lock_goes_with_the_first(EmulatorStorage storage)
    {
        using var directory = new TempDirectory("tablestore-in-use");
        var options = new EmulatorOptions { DataDirectory = directory.Path, Storage = storage };
        await using (var first = await EmulatorHarness.StartAsync(options))
        {
            await first.Client.CreateTableAsync(EmulatorHarness.UsersSchema());

            var error = await Assert.ThrowsAsync<DataDirectoryInUseException>(() => EmulatorHarness.StartAsync(options));

            Assert.Equal(directory.Path, error.DataDirectory);
            Assert.Contains(directory.Path, error.Message, StringComparison.Ordinal);
            Assert.Equal(["users"], await first.Client.ListTablesAsync());
        }
        await using var next = await EmulatorHarness.StartAsync(options);
        Assert.Equal(["users"], await next.Client.ListTablesAsync());
    }
}
