using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace JindoMeta.Rpc;

/// <summary>
/// The gRPC length-prefixed message: 1 byte compressed flag, 4 bytes big-endian length, then the message.
/// Only identity encoding is supported, so a set compressed flag is a protocol error.
/// </summary>
public static class MessageFraming
{
    public const int HeaderSize = 5;

    /// <summary>Validates a 5-byte prefix; returns the message length or throws the status the spec asks for.</summary>
    public static int ReadHeader(ReadOnlySpan<byte> header, int maxMessageSize, string direction)
    {
        var flag = header[0];
        if (flag == 1)
        {
            throw new RpcException(StatusCode.Internal,
                $"{direction} message has the compressed flag set, but no grpc-encoding was negotiated (only identity is supported).");
        }

        if (flag != 0)
        {
            throw new RpcException(StatusCode.Internal, $"{direction} message has an invalid compressed flag {flag} (must be 0 or 1).");
        }

        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > (uint)maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"{direction} message of {length} bytes is larger than the limit of {maxMessageSize} bytes.");
        }

        return (int)length;
    }

    /// <summary>Writes prefix + message into <paramref name="writer"/> without an intermediate copy.</summary>
    public static void Write(IBufferWriter<byte> writer, IMessage message, int maxMessageSize, string direction)
    {
        var size = message.CalculateSize();
        ThrowIfTooLarge(size, maxMessageSize, direction);
        var header = writer.GetSpan(HeaderSize);
        WriteHeader(header, size);
        writer.Advance(HeaderSize);
        if (size > 0)
        {
            message.WriteTo(writer);
        }
    }

    public static void WriteHeader(Span<byte> destination, int length)
    {
        destination[0] = 0;
        BinaryPrimitives.WriteUInt32BigEndian(destination[1..], (uint)length);
    }

    public static void ThrowIfTooLarge(int size, int maxMessageSize, string direction)
    {
        if (size > maxMessageSize)
        {
            throw new RpcException(StatusCode.ResourceExhausted,
                $"{direction} message of {size} bytes is larger than the limit of {maxMessageSize} bytes.");
        }
    }

    /// <summary>Parses a message; malformed protobuf becomes INTERNAL, as gRPC implementations report it.</summary>
    public static T Parse<T>(MessageParser<T> parser, in ReadOnlySequence<byte> data, string direction)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, $"{direction} message is not valid protobuf: {ex.Message}");
        }
    }

    public static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> data, string direction)
        where T : IMessage<T>
    {
        try
        {
            return parser.ParseFrom(data);
        }
        catch (InvalidProtocolBufferException ex)
        {
            throw new RpcException(StatusCode.Internal, $"{direction} message is not valid protobuf: {ex.Message}");
        }
    }
}
