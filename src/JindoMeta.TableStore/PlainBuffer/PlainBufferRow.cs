namespace JindoMeta.TableStore.PlainBuffer;

/// <summary>One decoded cell: a value and/or an operation byte (0 = plain put) and an optional timestamp.</summary>
internal readonly record struct PlainBufferCell(string Name, ColumnValue? Value, byte Operation, long? Timestamp)
{
    public CellOperation CellOperation => Operation switch
    {
        PlainBufferTags.OpDeleteAllVersions => CellOperation.DeleteAllVersions,
        PlainBufferTags.OpDeleteOneVersion => CellOperation.DeleteOneVersion,
        PlainBufferTags.OpIncrement => CellOperation.Increment,
        _ => CellOperation.Put,
    };
}

/// <summary>One decoded PlainBuffer row, checksums already verified.</summary>
internal sealed class PlainBufferRow
{
    public PlainBufferRow(PrimaryKey key, PlainBufferCell[] cells, bool deleteMarker)
    {
        Key = key;
        Cells = cells;
        DeleteMarker = deleteMarker;
    }

    public PrimaryKey Key { get; }

    public PlainBufferCell[] Cells { get; }

    public bool DeleteMarker { get; }

    public Row ToRow()
    {
        var columns = new Column[Cells.Length];
        for (var i = 0; i < columns.Length; i++)
        {
            var cell = Cells[i];
            columns[i] = new Column(cell.Name, cell.Value ?? ColumnValue.Null, cell.Timestamp);
        }
        return new Row(Key, columns);
    }
}
