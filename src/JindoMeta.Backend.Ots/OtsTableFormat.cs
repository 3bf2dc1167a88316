using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.State;
using JindoMeta.Replication;
using JindoMeta.TableStore;

namespace JindoMeta.Backend.Ots;

/// <summary>Creates and formats a namespace's table on first start, and refuses a table that is not one.</summary>
internal static class OtsTableFormat
{
    /// <exception cref="InvalidDataException">The table exists but is not this namespace's ots table, or has another format version.</exception>
    public static async Task EnsureAsync(TableStoreClient client, string table, string namespaceName, IReadOnlyList<StateEffect> formatEffects, CancellationToken cancellationToken)
    {
        await EnsureTableAsync(client, table, cancellationToken).ConfigureAwait(false);
        var format = (await client.GetRowAsync(table, OtsTable.FormatKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Row;
        if (format is not null)
        {
            Check(format, table, namespaceName);
            return;
        }

        // No format row: a new table, or a format cut short (it writes the format row last). Anything else is not ours.
        var page = await client.GetRangePageAsync(new RangeQuery(table,
            PrimaryKey.Of((ReplicaTable.ParentColumn, ColumnValue.InfMin), (ReplicaTable.NameColumn, ColumnValue.InfMin)),
            PrimaryKey.Of((ReplicaTable.ParentColumn, ColumnValue.InfMax), (ReplicaTable.NameColumn, ColumnValue.InfMax))) { Limit = 8 },
            cancellationToken).ConfigureAwait(false);
        if (page.Rows.FirstOrDefault(r => !OtsTable.IsFormatRow(r.PrimaryKey)) is { } foreign)
        {
            throw new InvalidDataException(
                $"The Tablestore table {table} holds rows but no JindoMeta format row (first foreign row {foreign.PrimaryKey}): it is not an ots namespace; refusing to use it");
        }

        var writes = Namespace.Schema.RowChange.FromEffects(formatEffects).Select(row => ReplicaTable.ToWrite(table, row, 0) with
        {
            Condition = RowCondition.ExpectNotExist,
        }).ToList<TableStore.RowChange>();
        writes.Add(new RowPutChange(table, OtsTable.LeaseKey, LeaseRow.Initial) { Condition = RowCondition.ExpectNotExist });
        // Rows another starter formatting at the same time already wrote fail their condition: theirs are as good.
        await client.BatchWriteRowAsync(writes, cancellationToken: cancellationToken).ConfigureAwait(false);
        try
        {
            await client.PutRowAsync(table, OtsTable.FormatKey,
                [new Column(OtsTable.MagicColumn, OtsTable.Magic), new Column(OtsTable.VersionColumn, OtsTable.FormatVersion), new Column(OtsTable.NamespaceColumn, namespaceName)],
                RowCondition.ExpectNotExist, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ConditionCheckFail)
        {
            var theirs = (await client.GetRowAsync(table, OtsTable.FormatKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Row!;
            Check(theirs, table, namespaceName);
        }
    }

    private static async Task EnsureTableAsync(TableStoreClient client, string table, CancellationToken cancellationToken)
    {
        var expected = ReplicaTable.Schema(table);
        try
        {
            var description = await client.DescribeTableAsync(table, cancellationToken).ConfigureAwait(false);
            var key = description.Schema.PrimaryKey;
            if (key.Count != expected.PrimaryKey.Count || key.Zip(expected.PrimaryKey).Any(k => k.First.Name != k.Second.Name || k.First.Type != k.Second.Type))
            {
                throw new InvalidDataException(
                    $"The Tablestore table {table} has primary key ({string.Join(", ", key.Select(k => $"{k.Name} {k.Type}"))}), not (parent Integer, name String): it is not an ots namespace; refusing to use it");
            }
        }
        catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ObjectNotExist)
        {
            try
            {
                await client.CreateTableAsync(expected, cancellationToken).ConfigureAwait(false);
            }
            catch (TableStoreException again) when (again.Code == TableStoreErrorCodes.ObjectAlreadyExist)
            {
                // another server of the namespace created it first
            }
        }
    }

    private static void Check(Row format, string table, string namespaceName)
    {
        var magic = format.GetColumn(OtsTable.MagicColumn)?.Value;
        var version = format.GetColumn(OtsTable.VersionColumn)?.Value;
        var name = format.GetColumn(OtsTable.NamespaceColumn)?.Value;
        if (magic is not { Type: ColumnValueType.String } || magic.Value.AsString() != OtsTable.Magic)
        {
            throw new InvalidDataException($"The Tablestore table {table} has a format row that is not JindoMeta's: it is not an ots namespace; refusing to use it");
        }

        if (version is not { Type: ColumnValueType.Integer } || version.Value.AsInteger() != OtsTable.FormatVersion)
        {
            throw new InvalidDataException(
                $"The ots namespace table {table} has format version {version}, this server reads version {OtsTable.FormatVersion}: refusing to use it");
        }

        if (name is not { Type: ColumnValueType.String } || name.Value.AsString() != namespaceName)
        {
            throw new InvalidDataException($"The ots namespace table {table} belongs to namespace '{name}', not '{namespaceName}': refusing to use it");
        }
    }
}
