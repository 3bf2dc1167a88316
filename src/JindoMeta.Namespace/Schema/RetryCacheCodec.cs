using System.Buffers;
using System.Buffers.Binary;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;

namespace JindoMeta.Namespace.Schema;

/// <summary>
/// Rows of the <c>retries</c> table (<see cref="NamespaceSchema"/>). A call row: key 'c' + client id (16 bytes,
/// big-endian GUID) + call id (8 bytes BE); value [time: 8 bytes BE][outcome version 1][kind] then for kind 1
/// (success with a status) [path][inode record as <see cref="InodeRecordCodec"/>, length-prefixed], for kind 2 (error)
/// [code varint][message]; kind 0 is success without a status (delete). An expiry row: key 'e' + time (8 bytes BE) +
/// client id + call id, empty value; it orders calls by time for the sweep.
/// </summary>
public static class RetryCacheCodec
{
    public const byte CallPrefix = (byte)'c';
    public const byte ExpiryPrefix = (byte)'e';
    public const int CallKeyLength = 1 + 16 + 8;
    public const int ExpiryKeyLength = 1 + 8 + 16 + 8;

    private const byte OutcomeVersion = 1;
    private const int MaxStringBytes = 64 * 1024;
    private const int MaxRecordBytes = 64 << 20;

    private enum Kind : byte
    {
        OkWithoutStatus = 0,
        OkWithStatus = 1,
        Error = 2,
    }

    public static byte[] CallKey(ClientCallId call)
    {
        var key = new byte[CallKeyLength];
        key[0] = CallPrefix;
        WriteCall(key.AsSpan(1), call);
        return key;
    }

    public static byte[] ExpiryKey(long timestampMs, ClientCallId call)
    {
        var key = new byte[ExpiryKeyLength];
        key[0] = ExpiryPrefix;
        BinaryPrimitives.WriteInt64BigEndian(key.AsSpan(1), timestampMs);
        WriteCall(key.AsSpan(9), call);
        return key;
    }

    /// <summary>The time and call an expiry row stands for.</summary>
    public static (long TimestampMs, ClientCallId Call) ParseExpiryKey(ReadOnlySpan<byte> key)
    {
        if (key.Length != ExpiryKeyLength || key[0] != ExpiryPrefix)
        {
            throw new FormatException($"A retry-cache expiry key has {ExpiryKeyLength} bytes starting with 'e', this one has {key.Length}");
        }

        return (BinaryPrimitives.ReadInt64BigEndian(key[1..]), ReadCall(key[9..]));
    }

    public static byte[] EncodeValue(long timestampMs, Result<FileStatus?> outcome)
    {
        var buffer = new ArrayBufferWriter<byte>(128);
        var writer = new RecordWriter(buffer);
        Span<byte> time = stackalloc byte[8];
        BinaryPrimitives.WriteInt64BigEndian(time, timestampMs);
        writer.FixedBytes(time);
        writer.Byte(OutcomeVersion);
        if (outcome.Error is { } error)
        {
            writer.Byte((byte)Kind.Error);
            writer.Varint((long)error.Code);
            writer.String(error.Message);
        }
        else if (outcome.Value is { } status)
        {
            writer.Byte((byte)Kind.OkWithStatus);
            writer.String(status.Path);
            writer.Bytes(InodeRecordCodec.Encode(status.Record));
        }
        else
        {
            writer.Byte((byte)Kind.OkWithoutStatus);
        }

        return buffer.WrittenSpan.ToArray();
    }

    /// <summary>The stored time of a call row's value (its first 8 bytes).</summary>
    public static long ReadTimestamp(ReadOnlySpan<byte> value) =>
        value.Length >= 8 ? BinaryPrimitives.ReadInt64BigEndian(value) : throw new FormatException($"A retry-cache value has at least 9 bytes, this one has {value.Length}");

    public static (long TimestampMs, Result<FileStatus?> Outcome) DecodeValue(ReadOnlySpan<byte> value)
    {
        var timestamp = ReadTimestamp(value);
        var reader = new RecordReader(value[8..], "retry-cache outcome");
        var version = reader.Byte();
        if (version != OutcomeVersion)
        {
            throw new FormatException($"Malformed retry-cache outcome: unknown version {version}");
        }

        Result<FileStatus?> outcome;
        switch ((Kind)reader.Byte())
        {
            case Kind.OkWithoutStatus:
                outcome = Result<FileStatus?>.Ok(null);
                break;
            case Kind.OkWithStatus:
                var path = reader.String(MaxStringBytes);
                outcome = Result<FileStatus?>.Ok(new FileStatus(path, InodeRecordCodec.Decode(reader.Bytes(MaxRecordBytes))));
                break;
            case Kind.Error:
                var code = reader.Varint();
                var message = reader.String(MaxStringBytes);
                outcome = Result<FileStatus?>.Fail(new NamespaceError((ErrorCode)code, message));
                break;
            default:
                throw new FormatException("Malformed retry-cache outcome: unknown kind");
        }

        reader.ExpectEnd();
        return (timestamp, outcome);
    }

    private static void WriteCall(Span<byte> destination, ClientCallId call)
    {
        call.ClientId.TryWriteBytes(destination, bigEndian: true, out _);
        BinaryPrimitives.WriteInt64BigEndian(destination[16..], call.CallId);
    }

    private static ClientCallId ReadCall(ReadOnlySpan<byte> source) =>
        new(new Guid(source[..16], bigEndian: true), BinaryPrimitives.ReadInt64BigEndian(source[16..]));
}
