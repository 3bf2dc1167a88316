using System.Globalization;
using System.Text;

namespace JindoMeta.TableStore;

/// <summary>
/// One Tablestore cell or key value. Primary-key ordering: INF_MIN &lt; values &lt; INF_MAX; integers as signed
/// 64-bit, strings and binaries as unsigned byte strings (UTF-8 order equals code-point order).
/// </summary>
public readonly struct ColumnValue : IEquatable<ColumnValue>, IComparable<ColumnValue>
{
    private readonly long _bits;
    private readonly object? _reference;

    private ColumnValue(ColumnValueType type, long bits, object? reference)
    {
        Type = type;
        _bits = bits;
        _reference = reference;
    }

    public ColumnValueType Type { get; }

    public static ColumnValue InfMin { get; } = new(ColumnValueType.InfMin, 0, null);
    public static ColumnValue InfMax { get; } = new(ColumnValueType.InfMax, 0, null);
    public static ColumnValue AutoIncrement { get; } = new(ColumnValueType.AutoIncrement, 0, null);
    public static ColumnValue Null { get; } = new(ColumnValueType.Null, 0, null);

    public static ColumnValue Integer(long value) => new(ColumnValueType.Integer, value, null);
    public static ColumnValue Double(double value) => new(ColumnValueType.Double, BitConverter.DoubleToInt64Bits(value), null);
    public static ColumnValue Boolean(bool value) => new(ColumnValueType.Boolean, value ? 1 : 0, null);
    public static ColumnValue String(string value) => new(ColumnValueType.String, 0, value ?? throw new ArgumentNullException(nameof(value)));
    public static ColumnValue Binary(byte[] value) => new(ColumnValueType.Binary, 0, value ?? throw new ArgumentNullException(nameof(value)));

    public static implicit operator ColumnValue(long value) => Integer(value);
    public static implicit operator ColumnValue(string value) => String(value);
    public static implicit operator ColumnValue(double value) => Double(value);
    public static implicit operator ColumnValue(bool value) => Boolean(value);
    public static implicit operator ColumnValue(byte[] value) => Binary(value);

    public long AsInteger() => Type == ColumnValueType.Integer ? _bits : throw WrongType(ColumnValueType.Integer);
    public double AsDouble() => Type == ColumnValueType.Double ? BitConverter.Int64BitsToDouble(_bits) : throw WrongType(ColumnValueType.Double);
    public bool AsBoolean() => Type == ColumnValueType.Boolean ? _bits != 0 : throw WrongType(ColumnValueType.Boolean);
    public string AsString() => Type == ColumnValueType.String ? (string)_reference! : throw WrongType(ColumnValueType.String);
    public byte[] AsBinary() => Type == ColumnValueType.Binary ? (byte[])_reference! : throw WrongType(ColumnValueType.Binary);

    /// <summary>Payload size on the wire after the type byte.</summary>
    internal int PayloadLength => Type switch
    {
        ColumnValueType.Integer or ColumnValueType.Double => 8,
        ColumnValueType.Boolean => 1,
        ColumnValueType.String => 4 + Encoding.UTF8.GetByteCount((string)_reference!),
        ColumnValueType.Binary => 4 + ((byte[])_reference!).Length,
        _ => 0,
    };

    internal long RawBits => _bits;

    public int CompareTo(ColumnValue other)
    {
        if (Type != other.Type)
        {
            return Rank(Type).CompareTo(Rank(other.Type));
        }
        return Type switch
        {
            ColumnValueType.Integer => _bits.CompareTo(other._bits),
            ColumnValueType.Double => AsDouble().CompareTo(other.AsDouble()),
            ColumnValueType.Boolean => _bits.CompareTo(other._bits),
            ColumnValueType.String => CompareCodePoints((string)_reference!, (string)other._reference!),
            ColumnValueType.Binary => ((byte[])_reference!).AsSpan().SequenceCompareTo((byte[])other._reference!),
            _ => 0,
        };
    }

    public bool Equals(ColumnValue other) => CompareTo(other) == 0;

    public override bool Equals(object? obj) => obj is ColumnValue other && Equals(other);

    public override int GetHashCode() => Type switch
    {
        ColumnValueType.String => HashCode.Combine(Type, StringComparer.Ordinal.GetHashCode((string)_reference!)),
        ColumnValueType.Binary => HashCode.Combine(Type, ((byte[])_reference!).Length, ((byte[])_reference!).Length > 0 ? ((byte[])_reference!)[0] : 0),
        _ => HashCode.Combine(Type, _bits),
    };

    public static bool operator ==(ColumnValue left, ColumnValue right) => left.Equals(right);
    public static bool operator !=(ColumnValue left, ColumnValue right) => !left.Equals(right);
    public static bool operator <(ColumnValue left, ColumnValue right) => left.CompareTo(right) < 0;
    public static bool operator >(ColumnValue left, ColumnValue right) => left.CompareTo(right) > 0;
    public static bool operator <=(ColumnValue left, ColumnValue right) => left.CompareTo(right) <= 0;
    public static bool operator >=(ColumnValue left, ColumnValue right) => left.CompareTo(right) >= 0;

    public override string ToString() => Type switch
    {
        ColumnValueType.Integer => _bits.ToString(CultureInfo.InvariantCulture),
        ColumnValueType.Double => AsDouble().ToString("R", CultureInfo.InvariantCulture),
        ColumnValueType.Boolean => _bits != 0 ? "true" : "false",
        ColumnValueType.String => "\"" + (string)_reference! + "\"",
        ColumnValueType.Binary => "0x" + Convert.ToHexString((byte[])_reference!),
        _ => Type.ToString().ToUpperInvariant(),
    };

    private InvalidOperationException WrongType(ColumnValueType wanted) =>
        new($"the value is {Type}, not {wanted}");

    // INF_MIN sorts first and INF_MAX last whatever the other side's type.
    private static int Rank(ColumnValueType type) => type switch
    {
        ColumnValueType.InfMin => -1,
        ColumnValueType.InfMax => 1000,
        _ => (int)type,
    };

    // UTF-16 ordinal order differs from UTF-8 byte order only around surrogates; fix those up.
    private static int CompareCodePoints(string left, string right)
    {
        var length = Math.Min(left.Length, right.Length);
        for (var i = 0; i < length; i++)
        {
            var a = left[i];
            var b = right[i];
            if (a != b)
            {
                return FixUp(a).CompareTo(FixUp(b));
            }
        }
        return left.Length.CompareTo(right.Length);
    }

    private static int FixUp(char c) => c < 0xD800 ? c : c >= 0xE000 ? c - 0x800 : c + 0x2000;
}
