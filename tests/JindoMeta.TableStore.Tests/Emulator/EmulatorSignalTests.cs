using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Emulator;

/// <summary>
/// The <c>tablestore-emulator</c> command as an operator runs it: SIGTERM and SIGINT stop it cleanly with exit code
/// 0, and what it acknowledged before the signal is there after a restart on the same data directory.
/// </summary>
public sealed class EmulatorSignalTests
{
    private static readonly PrimaryKey AllStart = PrimaryKey.Of(("uid", ColumnValue.InfMin), ("seq", ColumnValue.InfMin));
    private static readonly PrimaryKey AllEnd = PrimaryKey.Of(("uid", ColumnValue.InfMax), ("seq", ColumnValue.InfMax));

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

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    public async Task Every_row_acknowledged_before_the_signal_is_there_after_a_restart(string signal)
    {
        using var directory = new TempDirectory("tablestore-signal");
        var acknowledged = new List<long>();
        await using (var first = await EmulatorProcess.StartAsync("--data-dir", directory.Path))
        {
            // A short retry deadline: once the emulator is gone, the writer's next call fails in seconds.
            using var client = first.NewClient(o => o with { RetryDeadline = TimeSpan.FromSeconds(2) });
            await client.CreateTableAsync(EmulatorHarness.UsersSchema());
            for (var seq = 0L; seq < 20; seq++)
            {
                await client.PutRowAsync("users", Key(seq), [new("v", Value(seq))]);
                acknowledged.Add(seq);
            }
            var batch = await client.BatchWriteRowAsync([.. Enumerable.Range(20, 10).Select(i => new RowPutChange("users", Key(i), [new("v", Value(i))]))]);
            Assert.All(batch, result => Assert.True(result.IsOk, result.ErrorMessage));
            acknowledged.AddRange(Enumerable.Range(20, 10).Select(i => (long)i));

            // A writer keeps going while the signal arrives; it stops at its first failure (the emulator is gone).
            var writerAcknowledged = new List<long>();
            var writer = Task.Run(async () =>
            {
                for (var seq = 1000L; ; seq++)
                {
                    try
                    {
                        await client.PutRowAsync("users", Key(seq), [new("v", Value(seq))]);
                    }
                    catch (TableStoreException)
                    {
                        return;
                    }
                    lock (writerAcknowledged)
                    {
                        writerAcknowledged.Add(seq);
                    }
                }
            });
            while (Count(writerAcknowledged) < 5 && !writer.IsCompleted)
            {
                await Task.Delay(10);
            }

            await first.SignalAsync(signal);

            Assert.Equal(0, await first.WaitForExitAsync());
            await writer.WaitAsync(EmulatorProcess.ExitTimeout);
            Assert.Empty(first.StandardError);
            lock (writerAcknowledged)
            {
                Assert.True(writerAcknowledged.Count >= 5, $"the writer stopped after {writerAcknowledged.Count} rows, before the signal");
                acknowledged.AddRange(writerAcknowledged);
            }
        }

        await using var second = await EmulatorProcess.StartAsync("--data-dir", directory.Path);
        using var reader = second.NewClient();
        var stored = new Dictionary<long, string>();
        await foreach (var row in reader.GetRangeAsync(new RangeQuery("users", AllStart, AllEnd)))
        {
            stored.Add(row.PrimaryKey["seq"].AsInteger(), row.GetColumn("v")!.Value.Value.AsString());
        }
        Assert.All(acknowledged, seq => Assert.Equal(Value(seq), stored.GetValueOrDefault(seq)));
        await second.SignalAsync("TERM");
        Assert.Equal(0, await second.WaitForExitAsync());
    }

    private static PrimaryKey Key(long seq) => PrimaryKey.Of(("uid", "u"), ("seq", seq));

    private static string Value(long seq) => $"row-{seq}";

    private static int Count(List<long> rows)
    {
        lock (rows)
        {
            return rows.Count;
        }
    }
}
