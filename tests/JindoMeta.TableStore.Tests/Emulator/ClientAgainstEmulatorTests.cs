using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Emulator;

/// <summary>Our client against the in-process emulator: every operation with the service's semantics.</summary>
public sealed class ClientAgainstEmulatorTests
{
    private static PrimaryKey Key(string uid, long seq) => PrimaryKey.Of(("uid", uid), ("seq", seq));

    [Fact]
    public async Task Tables_can_be_created_listed_described_and_deleted()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema() with { DefinedColumns = [new DefinedColumn("name", DefinedColumnType.String)], MaxVersions = 3 });
        var duplicate = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.CreateTableAsync(EmulatorHarness.UsersSchema()));
        Assert.Equal(TableStoreErrorCodes.ObjectAlreadyExist, duplicate.Code);
        Assert.Equal(409, duplicate.HttpStatus);
        Assert.NotNull(duplicate.RequestId);
        Assert.Equal(["users"], await h.Client.ListTablesAsync());
        var description = await h.Client.DescribeTableAsync("users");
        Assert.Equal(3, description.Schema.MaxVersions);
        Assert.Equal(TableStatus.Active, description.Status);
        Assert.Equal("name", description.Schema.DefinedColumns.Single().Name);
        await h.Client.DeleteTableAsync("users");
        Assert.Empty(await h.Client.ListTablesAsync());
        var missing = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.DescribeTableAsync("users"));
        Assert.Equal(TableStoreErrorCodes.ObjectNotExist, missing.Code);
    }

    [Fact]
    public async Task Rows_obey_existence_and_column_conditions()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        await h.Client.PutRowAsync("users", Key("u1", 1), [new("name", "Alice"), new("age", 30L), new("score", 1.5), new("ok", true), new("bin", new byte[] { 1, 2 })], RowCondition.ExpectNotExist);
        var again = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.PutRowAsync("users", Key("u1", 1), [new("name", "B")], RowCondition.ExpectNotExist));
        Assert.Equal(TableStoreErrorCodes.ConditionCheckFail, again.Code);
        Assert.Equal("Condition check failed.", again.ErrorMessage);

        var olderThan40 = new RowCondition(RowExistence.ExpectExist, new SingleColumnCondition("age", ComparisonOperator.GreaterThan, 40L));
        var failed = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.UpdateRowAsync("users", Key("u1", 1), [ColumnUpdate.Put("name", "X")], olderThan40));
        Assert.Equal(TableStoreErrorCodes.ConditionCheckFail, failed.Code);

        var both = new RowCondition(RowExistence.ExpectExist, new CompositeCondition(LogicalCombinator.And,
            new SingleColumnCondition("age", ComparisonOperator.GreaterEqual, 18L),
            new SingleColumnCondition("missing", ComparisonOperator.Equal, "x", PassIfMissing: true)));
        var updated = await h.Client.UpdateRowAsync("users", Key("u1", 1),
            [ColumnUpdate.Put("name", "Alicia"), ColumnUpdate.Increment("visits", 5), ColumnUpdate.DeleteAllVersions("bin")],
            both, ReturnKind.AfterModify, ["visits"]);
        Assert.Equal(5, updated.Row!.GetColumn("visits")!.Value.Value.AsInteger());

        var read = (await h.Client.GetRowAsync("users", Key("u1", 1))).Row!;
        Assert.Equal("Alicia", read.GetColumn("name")!.Value.Value.AsString());
        Assert.Null(read.GetColumn("bin"));
        Assert.Equal(1.5, read.GetColumn("score")!.Value.Value.AsDouble());
        Assert.True(read.GetColumn("ok")!.Value.Value.AsBoolean());
        Assert.All(read.Columns, c => Assert.NotNull(c.Timestamp));

        var projected = (await h.Client.GetRowAsync("users", Key("u1", 1), new ReadOptions { ColumnsToGet = ["age"] })).Row!;
        Assert.Equal(["age"], projected.Columns.Select(c => c.Name));
        var filteredOut = await h.Client.GetRowAsync("users", Key("u1", 1), new ReadOptions { Filter = new SingleColumnCondition("age", ComparisonOperator.LessThan, 10L) });
        Assert.Null(filteredOut.Row);

        await h.Client.DeleteRowAsync("users", Key("u1", 1), RowCondition.ExpectExist);
        Assert.Null((await h.Client.GetRowAsync("users", Key("u1", 1))).Row);
        var gone = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.DeleteRowAsync("users", Key("u1", 1), RowCondition.ExpectExist));
        Assert.Equal(TableStoreErrorCodes.ConditionCheckFail, gone.Code);
        await h.Client.DeleteRowAsync("users", Key("u1", 1));
    }

    [Fact]
    public async Task Versions_are_kept_newest_first_and_can_be_deleted_one_by_one()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema() with { MaxVersions = 2 });
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await h.Client.UpdateRowAsync("users", Key("v", 1), [ColumnUpdate.Put("c", 1L, now - 3000), ColumnUpdate.Put("d", 0L)]);
        await h.Client.UpdateRowAsync("users", Key("v", 1), [ColumnUpdate.Put("c", 2L, now - 2000)]);
        await h.Client.UpdateRowAsync("users", Key("v", 1), [ColumnUpdate.Put("c", 3L, now - 1000)]);
        var all = (await h.Client.GetRowAsync("users", Key("v", 1), new ReadOptions { MaxVersions = 10, ColumnsToGet = ["c"] })).Row!;
        Assert.Equal([3L, 2L], all.Columns.Select(c => c.Value.AsInteger()));
        await h.Client.UpdateRowAsync("users", Key("v", 1), [ColumnUpdate.DeleteVersion("c", now - 1000)]);
        var left = (await h.Client.GetRowAsync("users", Key("v", 1), new ReadOptions { MaxVersions = 10, ColumnsToGet = ["c"] })).Row!;
        Assert.Equal([2L], left.Columns.Select(c => c.Value.AsInteger()));
        var tooOld = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.UpdateRowAsync("users", Key("v", 1), [ColumnUpdate.Put("c", 9L, now - (3L * 86400 * 1000))]));
        Assert.Equal(TableStoreErrorCodes.ParameterInvalid, tooOld.Code);
    }

    [Fact]
    public async Task Auto_increment_keys_are_generated_increasing_and_returned()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(new TableSchema("events", [new("uid", PrimaryKeyType.String), new("seq", PrimaryKeyType.Integer, AutoIncrement: true)]));
        var first = await h.Client.PutRowAsync("events", PrimaryKey.Of(("uid", "a"), ("seq", ColumnValue.AutoIncrement)), [new("v", 1L)], returnKind: ReturnKind.PrimaryKey);
        var second = await h.Client.PutRowAsync("events", PrimaryKey.Of(("uid", "a"), ("seq", ColumnValue.AutoIncrement)), [new("v", 2L)], returnKind: ReturnKind.PrimaryKey);
        var a = first.Row!.PrimaryKey["seq"].AsInteger();
        var b = second.Row!.PrimaryKey["seq"].AsInteger();
        Assert.True(b > a);
        Assert.Equal(2L, (await h.Client.GetRowAsync("events", PrimaryKey.Of(("uid", "a"), ("seq", b)))).Row!.GetColumn("v")!.Value.Value.AsInteger());
    }

    [Fact]
    public async Task Batch_write_reports_per_row_results_and_batch_get_finds_rows()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        await h.Client.CreateTableAsync(new TableSchema("orders", [new("order_id", PrimaryKeyType.Integer)]));
        await h.Client.PutRowAsync("users", Key("u1", 1), [new("name", "Alice")]);
        RowChange[] changes =
        [
            new RowPutChange("users", Key("u3", 3), [new("name", "Carol")]) { Condition = RowCondition.ExpectNotExist, Return = ReturnKind.PrimaryKey },
            new RowUpdateChange("users", Key("u9", 9), [ColumnUpdate.Put("age", 1L)]) { Condition = RowCondition.ExpectExist },
            new RowPutChange("orders", PrimaryKey.Of(("order_id", 1001L)), [new("total", 5.5)]),
            new RowDeleteChange("users", Key("u1", 1)),
        ];
        var results = await h.Client.BatchWriteRowAsync(changes);
        Assert.Equal([true, false, true, true], results.Select(r => r.IsOk));
        Assert.Equal(TableStoreErrorCodes.ConditionCheckFail, results[1].ErrorCode);
        Assert.Equal(Key("u3", 3), results[0].Row!.PrimaryKey);

        var got = await h.Client.BatchGetRowAsync([
            new BatchGetTable("users", [Key("u3", 3), Key("u1", 1), Key("u9", 9)]),
            new BatchGetTable("orders", [PrimaryKey.Of(("order_id", 1001L))]),
        ]);
        Assert.Equal(["Carol", null, null], got.Take(3).Select(r => r.Row?.GetColumn("name")?.Value.AsString()));
        Assert.Equal(5.5, got[3].Row!.GetColumn("total")!.Value.Value.AsDouble());

        var wrongKey = await h.Client.BatchWriteRowAsync([new RowPutChange("users", PrimaryKey.Of(("uid", "x")), [new("a", 1L)])]);
        Assert.Equal(TableStoreErrorCodes.InvalidPk, wrongKey.Single().ErrorCode);
    }

    [Fact]
    public async Task GetRange_pages_forward_and_backward_with_inf_bounds()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        var keys = new List<PrimaryKey>();
        foreach (var uid in new[] { "b", "a", "c" })
        {
            for (var seq = -2L; seq <= 2; seq++)
            {
                keys.Add(Key(uid, seq));
                await h.Client.PutRowAsync("users", Key(uid, seq), [new("n", seq)]);
            }
        }
        keys.Sort();
        var all = PrimaryKey.Of(("uid", ColumnValue.InfMin), ("seq", ColumnValue.InfMin));
        var end = PrimaryKey.Of(("uid", ColumnValue.InfMax), ("seq", ColumnValue.InfMax));
        var page = await h.Client.GetRangePageAsync(new RangeQuery("users", all, end) { Limit = 4 });
        Assert.Equal(keys.Take(4), page.Rows.Select(r => r.PrimaryKey));
        Assert.Equal(keys[4], page.NextStart);

        var streamed = new List<PrimaryKey>();
        await foreach (var row in h.Client.GetRangeAsync(new RangeQuery("users", all, end) { Limit = 4 }))
        {
            streamed.Add(row.PrimaryKey);
        }
        Assert.Equal(keys, streamed);

        var backward = new List<PrimaryKey>();
        await foreach (var row in h.Client.GetRangeAsync(new RangeQuery("users", PrimaryKey.Of(("uid", "b"), ("seq", ColumnValue.InfMax)), PrimaryKey.Of(("uid", "b"), ("seq", ColumnValue.InfMin))) { Direction = Direction.Backward, Limit = 2 }))
        {
            backward.Add(row.PrimaryKey);
        }
        Assert.Equal(keys.Where(k => k["uid"].AsString() == "b").Reverse(), backward);

        var filtered = new List<long>();
        await foreach (var row in h.Client.GetRangeAsync(new RangeQuery("users", all, end) { Options = new ReadOptions { Filter = new SingleColumnCondition("n", ComparisonOperator.GreaterThan, 0L) } }))
        {
            filtered.Add(row.GetColumn("n")!.Value.Value.AsInteger());
        }
        Assert.Equal([1L, 2L, 1L, 2L, 1L, 2L], filtered);

        var reversed = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.GetRangePageAsync(new RangeQuery("users", end, all)));
        Assert.Equal(TableStoreErrorCodes.ParameterInvalid, reversed.Code);
        Assert.Contains("FORWARD", reversed.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Keys_are_checked_against_the_schema()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        var wrongName = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.GetRowAsync("users", PrimaryKey.Of(("user", "a"), ("seq", 1L))));
        Assert.Equal(TableStoreErrorCodes.InvalidPk, wrongName.Code);
        Assert.Equal("Validate PK name fail. Input: user, Meta: uid.", wrongName.ErrorMessage);
        var wrongSize = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.GetRowAsync("users", PrimaryKey.Of(("uid", "a"))));
        Assert.Equal("Validate PK size fail. Input: 1, Meta: 2.", wrongSize.ErrorMessage);
        var wrongType = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.GetRowAsync("users", PrimaryKey.Of(("uid", 1L), ("seq", 1L))));
        Assert.Equal(TableStoreErrorCodes.InvalidPk, wrongType.Code);
        var infInPut = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", ColumnValue.InfMax), ("seq", 1L)), []));
        Assert.Equal(TableStoreErrorCodes.InvalidPk, infInPut.Code);
        var longKey = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.PutRowAsync("users", Key(new string('k', 1025), 1), []));
        Assert.Equal(TableStoreErrorCodes.ParameterInvalid, longKey.Code);
    }
}
