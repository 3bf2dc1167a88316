using JindoMeta.Backend.Ots.Tests.Support;
using JindoMeta.TableStore;

namespace JindoMeta.Backend.Ots.Tests.Integration;

/// <summary>A server refuses a table that is not this namespace's ots table, and leaves it as it found it.</summary>
public sealed class OtsTableFormatTests
{
    [Fact]
    public async Task A_table_with_another_primary_key_is_refused()
    {
        var namespaceName = OtsTestTables.NewNamespace();
        var table = OtsTable.TableName(namespaceName);
        using var client = new TableStoreClient(OtsTestTables.Emulator.ClientOptions());
        await client.CreateTableAsync(new TableSchema(table, [new PrimaryKeySchemaColumn("id", PrimaryKeyType.String)]));

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => OtsNamespaceBackend.OpenAsync(
            OtsTestTables.Options(namespaceName), OtsCalls.Permissions, TimeProvider.System));

        Assert.Contains(table, refused.Message, StringComparison.Ordinal);
        Assert.Contains("primary key (id String)", refused.Message, StringComparison.Ordinal);
        Assert.Equal("id", Assert.Single((await client.DescribeTableAsync(table)).Schema.PrimaryKey).Name);
    }

    [Theory]
    [InlineData(OtsTable.VersionColumn, 99L, "format version 99")]
    [InlineData(OtsTable.MagicColumn, "someone-elses-format", "not JindoMeta's")]
    [InlineData(OtsTable.NamespaceColumn, "another", "belongs to namespace")]
    public async Task A_table_whose_format_row_is_not_this_namespace_s_current_format_is_refused(string column, object value, string reason)
    {
        var namespaceName = OtsTestTables.NewNamespace();
        await using (var formatted = OtsTestTables.Open(OtsTestTables.Options(namespaceName), OtsCalls.Permissions, TimeProvider.System))
        {
            await formatted.OkAsync(OtsCalls.Mkdirs("/kept"));
        }

        using var client = new TableStoreClient(OtsTestTables.Emulator.ClientOptions());
        var table = OtsTable.TableName(namespaceName);
        ColumnValue changed = value is long number ? number : (string)value;
        await client.UpdateRowAsync(table, OtsTable.FormatKey, [ColumnUpdate.Put(column, changed)], RowCondition.ExpectExist);
        var leaseBefore = await ReadLeaseAsync(client, table);

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => OtsNamespaceBackend.OpenAsync(
            OtsTestTables.Options(namespaceName, "127.0.0.1:2"), OtsCalls.Permissions, TimeProvider.System));

        Assert.Contains(reason, refused.Message, StringComparison.Ordinal);
        Assert.Contains("refusing to use it", refused.Message, StringComparison.Ordinal);
        // Refused before taking the lease: nothing of the table moved.
        Assert.Equal(leaseBefore, await ReadLeaseAsync(client, table));
    }

    private static async Task<(long Epoch, string Holder, long Beat, long Committed)> ReadLeaseAsync(TableStoreClient client, string table)
    {
        var lease = LeaseRow.Parse((await client.GetRowAsync(table, OtsTable.LeaseKey)).Row!);
        return (lease.Epoch, lease.Holder, lease.Beat, lease.Committed);
    }
}
