using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Emulator;

/// <summary>
/// The <c>tablestore-emulator</c> command as an operator runs it: SIGTERM and SIGINT stop it cleanly with exit code
/// 0, and what it acknowledged before the signal is there after a restart on the same data directory.
/// </summary>
public sealed class EmulatorSignalTests
{
    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Signal_stops_the_command_with_exit_code_0_and_nothing_on_stderr(string signal)
    {
        using var directory = new TempDirectory("tablestore-signal");
        await using var emulator = await EmulatorProcess.StartAsync("--data-dir", directory.Path);
        using (var client = emulator.NewClient())
        {
            await client.CreateTableAsync(EmulatorHarness.UsersSchema());
        }

        await emulator.SignalAsync(signal);

        Assert.Equal(0, await emulator.WaitForExitAsync());
        Assert.Empty(emulator.StandardError);
        Assert.Equal("tablestore-emulator stopped", emulator.StandardOutput[^1]);
    }
}
