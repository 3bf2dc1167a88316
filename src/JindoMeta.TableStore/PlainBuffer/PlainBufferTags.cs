namespace JindoMeta.TableStore.PlainBuffer;

/// <summary>Tag bytes and constants of the PlainBuffer row format (PROTOCOL.md section 3.1).</summary>
internal static class PlainBufferTags
{
    public const uint Header = 0x75;
    public const byte RowPk = 0x01;
    public const byte RowData = 0x02;
    public const byte Cell = 0x03;
    public const byte CellName = 0x04;
    public const byte CellValue = 0x05;
    public const byte CellType = 0x06;
    public const byte CellTimestamp = 0x07;
    public const byte DeleteRowMarker = 0x08;
    public const byte RowChecksum = 0x09;
    public const byte CellChecksum = 0x0A;
    public const byte Extension = 0x0B;

    public const byte OpDeleteAllVersions = 0x01;
    public const byte OpDeleteOneVersion = 0x03;
    public const byte OpIncrement = 0x04;
}
