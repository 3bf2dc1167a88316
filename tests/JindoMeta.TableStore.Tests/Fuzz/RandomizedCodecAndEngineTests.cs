using Google.Protobuf;
using JindoMeta.TableStore.Emulator;
using JindoMeta.TableStore.Emulator.Engine;
using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;
using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Fuzz;

/// <summary>Seeded randomized checks (JINDO_SEEDS): codec round trips, and corrupted input never crashing either side.</summary>
public sealed class RandomizedCodecAndEngineTests
{
    [Fact]
    public void Random_rows_round_trip_through_plainbuffer()
    {
        Seeds.ForEach(nameof(Random_rows_round_trip_through_plainbuffer), seed =>
        {
            var random = new Random(seed);
            for (var i = 0; i < 50; i++)
            {
                var key = new PrimaryKey(Enumerable.Range(0, random.Next(1, 5)).Select(k => new PrimaryKeyColumn("k" + k, RandomKeyValue(random))));
                var columns = Enumerable.Range(0, random.Next(0, 8)).Select(c => new Column(RandomName(random), RandomValue(random), random.Next(2) == 0 ? null : random.NextInt64(0, long.MaxValue))).ToArray();
                var decoded = PlainBufferReader.ReadSingleRow(PlainBufferWriter.EncodeRow(key, columns));
                Assert.Equal(key, decoded.Key);
                Assert.Equal(columns, decoded.ToRow().Columns);
            }
        });
    }

    [Fact]
    public void Corrupted_plainbuffer_fails_only_with_plainbuffer_errors()
    {
        Seeds.ForEach(nameof(Corrupted_plainbuffer_fails_only_with_plainbuffer_errors), seed =>
        {
            var random = new Random(seed);
            var key = new PrimaryKey(Enumerable.Range(0, random.Next(1, 5)).Select(k => new PrimaryKeyColumn("k" + k, RandomKeyValue(random))));
            var bytes = PlainBufferWriter.EncodeRow(key, Enumerable.Range(0, 4).Select(c => new Column(RandomName(random), RandomValue(random), 5)).ToArray());
            for (var i = 0; i < 100; i++)
            {
                var corrupted = Mutate(random, bytes);
                try
                {
                    PlainBufferReader.ReadSingleRow(corrupted);
                    PlainBufferReader.ReadRows(corrupted);
                }
                catch (PlainBufferException)
                {
                    // The only acceptable failure.
                }
            }
        });
    }

    [Fact]
    public void Corrupted_requests_get_service_errors_and_never_crash_the_engine()
    {
        using var engine = new EmulatorEngine(new EmulatorOptions());
        engine.Execute("CreateTable", new CreateTableRequest
        {
            TableMeta = ProtocolMapper.ToTableMeta(EmulatorHarness.UsersSchema()),
            ReservedThroughput = new ReservedThroughput { CapacityUnit = new CapacityUnit { Read = 0, Write = 0 } },
        }.ToByteArray());
        var key = PrimaryKey.Of(("uid", "a"), ("seq", 1L));
        var keyBytes = ByteString.CopyFrom(PlainBufferWriter.EncodeKey(key));
        var condition = new Condition { RowExistence = RowExistenceExpectation.Ignore, ColumnCondition = ProtocolMapper.EncodeFilter(new SingleColumnCondition("c", ComparisonOperator.GreaterThan, 1L)) };
        (string Operation, byte[] Body)[] valid =
        [
            ("PutRow", new PutRowRequest { TableName = "users", Row = ByteString.CopyFrom(PlainBufferWriter.EncodeRow(key, [new Column("c", 5L)])), Condition = condition }.ToByteArray()),
            ("UpdateRow", new UpdateRowRequest { TableName = "users", RowChange = ByteString.CopyFrom(PlainBufferWriter.EncodeUpdate(key, [ColumnUpdate.Increment("c", 1), ColumnUpdate.DeleteAllVersions("d")])), Condition = condition }.ToByteArray()),
            ("GetRow", new GetRowRequest { TableName = "users", PrimaryKey = keyBytes, MaxVersions = 1, Filter = condition.ColumnCondition }.ToByteArray()),
            ("GetRange", new GetRangeRequest { TableName = "users", Direction = Protocol.Direction.Forward, MaxVersions = 1, Limit = 10, InclusiveStartPrimaryKey = ByteString.CopyFrom(PlainBufferWriter.EncodeKey(PrimaryKey.Of(("uid", ColumnValue.InfMin), ("seq", ColumnValue.InfMin)))), ExclusiveEndPrimaryKey = ByteString.CopyFrom(PlainBufferWriter.EncodeKey(PrimaryKey.Of(("uid", ColumnValue.InfMax), ("seq", ColumnValue.InfMax)))) }.ToByteArray()),
            ("DeleteRow", new DeleteRowRequest { TableName = "users", PrimaryKey = ByteString.CopyFrom(PlainBufferWriter.EncodeDelete(key)), Condition = new Condition { RowExistence = RowExistenceExpectation.Ignore } }.ToByteArray()),
            ("StartLocalTransaction", new StartLocalTransactionRequest { TableName = "users", Key = ByteString.CopyFrom(PlainBufferWriter.EncodeKey(PrimaryKey.Of(("uid", "z")))) }.ToByteArray()),
        ];
        foreach (var (operation, body) in valid)
        {
            engine.Execute(operation, body);
        }
        Seeds.ForEach(nameof(Corrupted_requests_get_service_errors_and_never_crash_the_engine), seed =>
        {
            var random = new Random(seed);
            for (var i = 0; i < 60; i++)
            {
                var (operation, body) = valid[random.Next(valid.Length)];
                try
                {
                    engine.Execute(operation, Mutate(random, body));
                }
                catch (OtsError e)
                {
                    Assert.False(string.IsNullOrEmpty(e.Message));
                    Assert.InRange(e.HttpStatus, 400, 499);
                }
            }
        });
        // Still consistent afterwards.
        engine.Execute("PutRow", valid[0].Body);
    }

    private static byte[] Mutate(Random random, byte[] bytes)
    {
        var copy = (byte[])bytes.Clone();
        switch (random.Next(4))
        {
            case 0:
                return copy.AsSpan(0, random.Next(copy.Length)).ToArray();
            case 1:
                for (var flips = random.Next(1, 4); flips > 0; flips--)
                {
                    copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
                }
                return copy;
            case 2:
                copy[random.Next(copy.Length)] = (byte)random.Next(256);
                return copy;
            default:
                var insert = random.Next(copy.Length);
                return [.. copy.AsSpan(0, insert), (byte)random.Next(256), .. copy.AsSpan(insert)];
        }
    }

    private static ColumnValue RandomKeyValue(Random random) => random.Next(3) switch
    {
        0 => ColumnValue.Integer(random.NextInt64(long.MinValue, long.MaxValue)),
        1 => ColumnValue.String(RandomName(random) + "é😀"),
        _ => ColumnValue.Binary(RandomBytes(random)),
    };

    private static ColumnValue RandomValue(Random random) => random.Next(5) switch
    {
        0 => ColumnValue.Integer(random.NextInt64(long.MinValue, long.MaxValue)),
        1 => ColumnValue.Double(random.NextDouble() * 1e6),
        2 => ColumnValue.Boolean(random.Next(2) == 0),
        3 => ColumnValue.String(RandomName(random)),
        _ => ColumnValue.Binary(RandomBytes(random)),
    };

    private static string RandomName(Random random) => "c" + random.Next(1000);

    private static byte[] RandomBytes(Random random)
    {
        var bytes = new byte[random.Next(0, 40)];
        random.NextBytes(bytes);
        return bytes;
    }
}
