using Google.Protobuf;
using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;
using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Emulator;

/// <summary>Malformed requests get the service's error codes, and the emulator keeps serving.</summary>
public sealed class BadInputTests
{
    private static readonly byte[] GoodRow = PlainBufferWriter.EncodeRow(PrimaryKey.Of(("uid", "a"), ("seq", 1L)), [new Column("c", "value")]);

    [Fact]
    public async Task Truncated_and_corrupted_plainbuffer_rows_are_parameter_invalid()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        using var raw = new RawOtsSender(h.Emulator.Endpoint);
        for (var length = 0; length < GoodRow.Length; length += 3)
        {
            var (status, code, message) = await raw.PostAsync("PutRow", PutRow(GoodRow.AsSpan(0, length).ToArray()));
            Assert.Equal(400, status);
            Assert.Equal(TableStoreErrorCodes.ParameterInvalid, code);
            Assert.Contains("PlainBuffer", message, StringComparison.Ordinal);
        }
        var badCrc = (byte[])GoodRow.Clone();
        badCrc[^1] ^= 0x55;
        var crc = await raw.PostAsync("PutRow", PutRow(badCrc));
        Assert.Equal((400, TableStoreErrorCodes.ParameterInvalid), (crc.Status, crc.Code));
        Assert.Contains("checksum", crc.Message, StringComparison.Ordinal);

        Assert.Equal(200, (await raw.PostAsync("PutRow", PutRow(GoodRow))).Status);
        Assert.NotNull((await h.Client.GetRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)))).Row);
    }

    [Fact]
    public async Task Protocol_level_mistakes_get_their_codes()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        using var raw = new RawOtsSender(h.Emulator.Endpoint);
        Assert.Equal((400, "OTSUnsupportOperation"), Pick(await raw.PostAsync("DropEverything", [])));
        Assert.Equal((405, TableStoreErrorCodes.MethodNotAllowed), Pick(await raw.PostAsync("ListTable", [], method: "PUT")));
        Assert.Equal((400, TableStoreErrorCodes.ParameterInvalid), Pick(await raw.PostAsync("PutRow", [0xff, 0xff, 0xff])));
        Assert.Equal((400, TableStoreErrorCodes.ParameterInvalid), Pick(await raw.PostAsync("GetRow", new GetRowRequest { TableName = "users" }.ToByteArray())));
        Assert.Equal((413, TableStoreErrorCodes.RequestBodyTooLarge), Pick(await raw.PostAsync("PutRow", new byte[(5 * 1024 * 1024) + 1])));
        var stale = await raw.PostAsync("ListTable", [], date: DateTimeOffset.UtcNow.AddMinutes(-20));
        Assert.Equal((403, TableStoreErrorCodes.AuthFailed), Pick(stale));
        Assert.StartsWith("Mismatch between system time and x-ots-date", stale.Message, StringComparison.Ordinal);
        Assert.Equal(200, (await raw.PostAsync("ListTable", [])).Status);
    }

    [Fact]
    public async Task Limits_of_batches_rows_and_columns_are_enforced()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        var tooManyWrites = Enumerable.Range(0, 201).Select(i => (RowChange)new RowPutChange("users", PrimaryKey.Of(("uid", "a"), ("seq", (long)i)), [new("c", 1L)])).ToArray();
        var batch = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.BatchWriteRowAsync(tooManyWrites));
        Assert.Equal(TableStoreErrorCodes.ParameterInvalid, batch.Code);
        var keys = Enumerable.Range(0, 101).Select(i => PrimaryKey.Of(("uid", "a"), ("seq", (long)i))).ToArray();
        var batchGet = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.BatchGetRowAsync([new BatchGetTable("users", keys)]));
        Assert.Equal(TableStoreErrorCodes.ParameterInvalid, batchGet.Code);
        var wide = Enumerable.Range(0, 1025).Select(i => new Column("c" + i, (long)i)).ToArray();
        var columns = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)), wide));
        Assert.Equal(TableStoreErrorCodes.OutOfColumnCountLimit, columns.Code);
        var huge = new Column("blob", new byte[(2 * 1024 * 1024) + 1]);
        var value = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)), [huge]));
        Assert.Equal(TableStoreErrorCodes.ParameterInvalid, value.Code);
        var body = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.PutRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)), [new("a", new byte[2_000_000]), new("b", new byte[2_000_000]), new("c", new byte[2_000_000])]));
        Assert.Equal(TableStoreErrorCodes.RequestBodyTooLarge, body.Code);
        var limit = await Assert.ThrowsAsync<TableStoreException>(() => h.Client.GetRangePageAsync(new RangeQuery("users", PrimaryKey.Of(("uid", ColumnValue.InfMin), ("seq", ColumnValue.InfMin)), PrimaryKey.Of(("uid", ColumnValue.InfMax), ("seq", ColumnValue.InfMax))) { Limit = 0 }));
        Assert.Equal("The limit must be greater than 0.", limit.ErrorMessage);
        Assert.Empty(await h.Client.BatchGetRowAsync([new BatchGetTable("users", keys.Take(3).ToArray())]).ContinueWith(t => t.Result.Where(r => r.Row is not null).ToArray()));
    }

    [Fact]
    public async Task Client_rejects_garbage_replies_with_a_clear_error()
    {
        var handler = new StaticHandler();
        using var client = new TableStoreClient(new TableStoreOptions { Endpoint = new Uri("http://127.0.0.1:1"), InstanceName = "emr-jfs", AccessKeyId = "a", AccessKeySecret = "b", ValidateResponses = false, MaxRetries = 0 }, handler);
        handler.Body = new GetRowResponse { Consumed = ProtocolMapper.ToConsumed(1, 0), Row = ByteString.CopyFrom(GoodRow.AsSpan(0, 20)) }.ToByteArray();
        var truncated = await Assert.ThrowsAsync<TableStoreException>(() => client.GetRowAsync("t", PrimaryKey.Of(("k", 1L))));
        Assert.Equal(TableStoreErrorCodes.ClientInvalidResponse, truncated.Code);
        handler.Body = [0x0a, 0x05, 0x01];
        var garbage = await Assert.ThrowsAsync<TableStoreException>(() => client.GetRowAsync("t", PrimaryKey.Of(("k", 1L))));
        Assert.Equal(TableStoreErrorCodes.ClientInvalidResponse, garbage.Code);
        handler.Body = new GetRowResponse { Row = ByteString.Empty }.ToByteArray();
        var missingRequired = await Assert.ThrowsAsync<TableStoreException>(() => client.GetRowAsync("t", PrimaryKey.Of(("k", 1L))));
        Assert.Contains("required", missingRequired.ErrorMessage, StringComparison.Ordinal);
    }

    private static (int, string?) Pick((int Status, string? Code, string? Message) reply) => (reply.Status, reply.Code);

    private static byte[] PutRow(byte[] row) => new PutRowRequest
    {
        TableName = "users",
        Row = ByteString.CopyFrom(row),
        Condition = new Condition { RowExistence = RowExistenceExpectation.Ignore },
    }.ToByteArray();

    private sealed class StaticHandler : HttpMessageHandler
    {
        public byte[] Body { get; set; } = [];

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(System.Net.HttpStatusCode.OK) { Content = new ByteArrayContent(Body) });
    }
}
