namespace JindoMeta.TableStore;

/// <summary>Value types of the PlainBuffer format; the numbers are the wire type bytes.</summary>
public enum ColumnValueType : byte
{
    Integer = 0x00,
    Double = 0x01,
    Boolean = 0x02,
    String = 0x03,
    Null = 0x06,
    Binary = 0x07,
    InfMin = 0x09,
    InfMax = 0x0A,
    AutoIncrement = 0x0B,
}
