using System.Buffers.Binary;
using Google.Protobuf;

namespace JindoMeta.Server.Tests.Support.Http2;

/// <summary>gRPC over HTTP/2 by hand: the request headers a gRPC client sends and the length-prefixed message.</summary>
public static class GrpcWire
{
    public const string GetFileInfoPath = "/jindometa.v1.NamespaceService/GetFileInfo";

    /// <summary>
    /// A well-formed unary request's headers, then <paramref name="changes"/>: one with an existing name replaces
    /// it in place (value null removes it), a new name is appended.
    /// </summary>
    public static List<(string Name, string Value)> RequestHeaders(string authority, string path, params (string Name, string? Value)[] changes)
    {
        var headers = new List<(string Name, string Value)>
        {
            (":method", "POST"), (":scheme", "http"), (":path", path), (":authority", authority),
            ("content-type", "application/grpc"), ("te", "trailers"), ("x-jindo-user", "root"),
        };
        foreach (var (name, value) in changes)
        {
            var index = headers.FindIndex(h => h.Name == name);
            if (index < 0)
            {
                headers.Add((name, value ?? throw new ArgumentException($"cannot remove {name}: not in the request")));
            }
            else if (value is null)
            {
                headers.RemoveAt(index);
            }
            else
            {
                headers[index] = (name, value);
            }
        }

        return headers;
    }

    /// <summary>One uncompressed length-prefixed message.</summary>
    public static byte[] Message(IMessage message) => Prefixed(compressed: 0, message.CalculateSize(), message.ToByteArray());

    /// <summary>A length prefix that may lie about the content that follows it.</summary>
    public static byte[] Prefixed(byte compressed, int declaredLength, byte[] content)
    {
        var bytes = new byte[5 + content.Length];
        bytes[0] = compressed;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), declaredLength);
        content.CopyTo(bytes, 5);
        return bytes;
    }
}
