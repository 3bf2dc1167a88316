using System.Buffers.Binary;

namespace JindoMeta.Server.Tests.Support.Http2;

/// <summary>Frame types of RFC 9113 section 6 that the raw tests send or read.</summary>
public enum Http2FrameType : byte
{
    Data = 0x0,
    Headers = 0x1,
    Priority = 0x2,
    RstStream = 0x3,
    Settings = 0x4,
    PushPromise = 0x5,
    Ping = 0x6,
    GoAway = 0x7,
    WindowUpdate = 0x8,
    Continuation = 0x9,
}

/// <summary>Error codes of RFC 9113 section 7 (RST_STREAM and GOAWAY payloads).</summary>
public enum Http2ErrorCode : uint
{
    NoError = 0x0,
    ProtocolError = 0x1,
    InternalError = 0x2,
    FlowControlError = 0x3,
    StreamClosed = 0x5,
    FrameSizeError = 0x6,
    RefusedStream = 0x7,
    Cancel = 0x8,
}

/// <summary>Flag bits; which apply depends on the frame type.</summary>
public static class Http2Flags
{
    public const byte None = 0x0;
    public const byte EndStream = 0x1; // DATA, HEADERS
    public const byte Ack = 0x1;       // SETTINGS, PING
    public const byte EndHeaders = 0x4; // HEADERS, CONTINUATION
}

/// <summary>One HTTP/2 frame: the 9-byte header's fields and the payload.</summary>
public sealed record Http2Frame(Http2FrameType Type, byte Flags, int StreamId, byte[] Payload)
{
    public const int HeaderLength = 9;

    public bool Has(byte flag) => (Flags & flag) == flag;

    /// <summary>The error code of a RST_STREAM or GOAWAY frame.</summary>
    public Http2ErrorCode ErrorCode => Type switch
    {
        Http2FrameType.RstStream => (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(Payload),
        Http2FrameType.GoAway => (Http2ErrorCode)BinaryPrimitives.ReadUInt32BigEndian(Payload.AsSpan(4)),
        _ => throw new InvalidOperationException($"a {Type} frame carries no error code"),
    };

    public byte[] Serialize()
    {
        var bytes = new byte[HeaderLength + Payload.Length];
        bytes[0] = (byte)(Payload.Length >> 16);
        bytes[1] = (byte)(Payload.Length >> 8);
        bytes[2] = (byte)Payload.Length;
        bytes[3] = (byte)Type;
        bytes[4] = Flags;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(5), StreamId & 0x7FFFFFFF);
        Payload.CopyTo(bytes, HeaderLength);
        return bytes;
    }

    public override string ToString() => $"{Type} stream {StreamId} flags 0x{Flags:x2} ({Payload.Length} bytes)";
}
