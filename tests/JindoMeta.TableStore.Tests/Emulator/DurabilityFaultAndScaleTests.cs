using JindoMeta.TableStore.Emulator;
using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Emulator;

public sealed class DurabilityFaultAndScaleTests
{
    private static readonly PrimaryKey AllStart = PrimaryKey.Of(("uid", ColumnValue.InfMin), ("seq", ColumnValue.InfMin));
    private static readonly PrimaryKey AllEnd = PrimaryKey.Of(("uid", ColumnValue.InfMax), ("seq", ColumnValue.InfMax));

    [Theory]
    [InlineData(EmulatorStorage.RocksDb)]
    [InlineData(EmulatorStorage.Log)]
    public async Task Data_survives_restarts(EmulatorStorage storage)
    {
        var directory = Directory.CreateTempSubdirectory("tablestore-emulator-").FullName;
        try
        {
            var options = new EmulatorOptions { DataDirectory = directory, Storage = storage };
            await using (var h = await EmulatorHarness.StartAsync(options))
            {
                await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
                await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema("dropped"));
                await h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)), [new("v", "one")]);
                await h.Client.UpdateRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)), [ColumnUpdate.Increment("n", 2)]);
                await h.Client.BatchWriteRowAsync([
                    new RowPutChange("users", PrimaryKey.Of(("uid", "b"), ("seq", 2L)), [new("v", "two")]),
                    new RowPutChange("users", PrimaryKey.Of(("uid", "c"), ("seq", 3L)), [new("v", "three")]),
                ]);
                await h.Client.DeleteRowAsync("users", PrimaryKey.Of(("uid", "c"), ("seq", 3L)));
                var txn = await h.Client.StartLocalTransactionAsync("users", PrimaryKey.Of(("uid", "d")));
                await h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "d"), ("seq", 4L)), [new("v", "txn")], transactionId: txn);
                await h.Client.CommitTransactionAsync(txn);
                await h.Client.DeleteTableAsync("dropped");
            }
            if (storage == EmulatorStorage.Log)
            {
                // A crash in the middle of an append leaves a partial record: it must be cut off, not fail the start.
                await File.AppendAllBytesAsync(Path.Combine(directory, "tablestore-emulator.log"), [0x40, 0, 0, 0, 1, 2, 3]);
            }
            await using (var h = await EmulatorHarness.StartAsync(options))
            {
                Assert.Equal(["users"], await h.Client.ListTablesAsync());
                var rows = await Collect(h.Client, new RangeQuery("users", AllStart, AllEnd));
                Assert.Equal(["a:one", "b:two", "d:txn"], rows.Select(r => r.PrimaryKey["uid"].AsString() + ":" + r.GetColumn("v")!.Value.Value.AsString()));
                Assert.Equal(2, rows[0].GetColumn("n")!.Value.Value.AsInteger());
                await h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "e"), ("seq", 5L)), [new("v", "after")]);
            }
            await using (var h = await EmulatorHarness.StartAsync(options))
            {
                Assert.Equal(4, (await Collect(h.Client, new RangeQuery("users", AllStart, AllEnd))).Count);
            }
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Transactions_expire_and_conflicts_are_reported()
    {
        var clock = new ShiftableTimeProvider();
        await using var h = await EmulatorHarness.StartAsync(new EmulatorOptions { TimeProvider = clock });
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        var txn = await h.Client.StartLocalTransactionAsync("users", PrimaryKey.Of(("uid", "p")));
        // OTSRowOperationConflict is retryable; without retries the conflict itself is visible.
        using var noRetry = h.NewClient(o => o with { MaxRetries = 0 });
        var second = await Assert.ThrowsAsync<TableStoreException>(() => noRetry.StartLocalTransactionAsync("users", PrimaryKey.Of(("uid", "p"))));
        Assert.Equal(TableStoreErrorCodes.RowOperationConflict, second.Code);
        var outside = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "other"), ("seq", 1L)), [new("v", 1L)], transactionId: txn));
        Assert.Equal(TableStoreErrorCodes.ParameterInvalid, outside.Code);
        await h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "p"), ("seq", 1L)), [new("v", 1L)], transactionId: txn);
        var inside = await h.Client.GetRangePageAsync(new RangeQuery("users", PrimaryKey.Of(("uid", "p"), ("seq", ColumnValue.InfMin)), PrimaryKey.Of(("uid", "p"), ("seq", ColumnValue.InfMax))) { Options = new ReadOptions { TransactionId = txn } });
        Assert.Single(inside.Rows);
        var beyond = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.GetRangePageAsync(new RangeQuery("users", PrimaryKey.Of(("uid", "p"), ("seq", ColumnValue.InfMin)), AllEnd) { Options = new ReadOptions { TransactionId = txn } }));
        Assert.Equal(TableStoreErrorCodes.ParameterInvalid, beyond.Code);
        clock.Advance(TimeSpan.FromSeconds(61));
        var expired = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.CommitTransactionAsync(txn));
        Assert.Equal("TransactionID is invalid.", expired.ErrorMessage);
        Assert.Null((await h.Client.GetRowAsync("users", PrimaryKey.Of(("uid", "p"), ("seq", 1L)))).Row);
        await h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "p"), ("seq", 2L)), [new("v", 2L)]);
    }

    [Fact]
    public async Task Retries_under_injected_faults_lose_and_duplicate_nothing()
    {
        await using var h = await EmulatorHarness.StartAsync(
            new EmulatorOptions { Faults = new FaultOptions { ServerBusyRate = 0.25, Seed = 7 } },
            o => o with { RetryDeadline = TimeSpan.FromSeconds(30), MaxRetries = 50 });
        h.Emulator.Faults = FaultOptions.None;
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        h.Emulator.Faults = new FaultOptions { ServerBusyRate = 0.25, Seed = 7 };
        const int Batches = 20;
        for (var b = 0; b < Batches; b++)
        {
            var changes = Enumerable.Range(0, 200).Select(i => (RowChange)new RowPutChange("users", PrimaryKey.Of(("uid", "f"), ("seq", (long)((b * 200) + i))), [new("v", (long)b)])
            {
                Condition = RowCondition.ExpectNotExist,
            }).ToArray();
            var results = await h.Client.BatchWriteRowAsync(changes);
            Assert.All(results, r => Assert.True(r.IsOk, r.ErrorCode));
        }
        Assert.True(h.Client.RetryCount > 0, "faults were injected, so some calls must have been retried");

        // Reads are idempotent: timeouts and dropped connections are retried as well.
        h.Emulator.Faults = new FaultOptions { TimeoutRate = 0.2, DropConnectionRate = 0.1, Seed = 11 };
        var rows = await Collect(h.Client, new RangeQuery("users", AllStart, AllEnd) { Limit = 500 });
        Assert.Equal(Enumerable.Range(0, Batches * 200).Select(i => (long)i), rows.Select(r => r.PrimaryKey["seq"].AsInteger()));

        // Writes are not idempotent: an OTSTimeout on a write surfaces to the caller instead of being retried.
        h.Emulator.Faults = new FaultOptions { TimeoutRate = 1 };
        var write = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "g"), ("seq", 1L)), [new("v", 1L)]));
        Assert.Equal(TableStoreErrorCodes.Timeout, write.Code);
    }

    [Fact]
    public async Task GetRange_over_100k_rows_returns_every_row_exactly_once()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        const int Rows = 100_000;
        var writes = new List<Task>();
        for (var b = 0; b < Rows / 200; b++)
        {
            var batch = b;
            var changes = Enumerable.Range(0, 200).Select(i =>
            {
                var n = (batch * 200) + i;
                return (RowChange)new RowPutChange("users", PrimaryKey.Of(("uid", "p" + (n % 7)), ("seq", (long)n)), [new("v", (long)n)]);
            }).ToArray();
            writes.Add(h.Client.BatchWriteRowAsync(changes));
            if (writes.Count == 8)
            {
                await Task.WhenAll(writes);
                writes.Clear();
            }
        }
        await Task.WhenAll(writes);
        var seen = new bool[Rows];
        var count = 0;
        PrimaryKey? previous = null;
        await foreach (var row in h.Client.GetRangeAsync(new RangeQuery("users", AllStart, AllEnd)))
        {
            var n = row.GetColumn("v")!.Value.Value.AsInteger();
            Assert.False(seen[n], $"row {n} returned twice");
            seen[n] = true;
            count++;
            Assert.True(previous is null || previous.CompareTo(row.PrimaryKey) < 0, "rows come in key order");
            previous = row.PrimaryKey;
        }
        Assert.Equal(Rows, count);
    }

    private static async Task<List<Row>> Collect(TableStoreClient client, RangeQuery query)
    {
        var rows = new List<Row>();
        await foreach (var row in client.GetRangeAsync(query))
        {
            rows.Add(row);
        }
        return rows;
    }
}
