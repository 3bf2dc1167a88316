using System.Buffers;
using Google.Protobuf;

namespace JindoMeta.Rpc.Client;

/// <summary>Reads length-prefixed response messages from a response body stream, with a receive limit.</summary>
internal static class ResponseReader
{
    private const string Direction = "Response";
    private const int SmallBufferSize = 4096;

    /// <summary>The next message, or null at the end of the body.</summary>
    public static async ValueTask<T?> ReadMessageAsync<T>(Stream stream, MessageParser<T> parser, int maxSize, CancellationToken cancellationToken)
        where T : class, IMessage<T>
    {
        var buffer = ArrayPool<byte>.Shared.Rent(SmallBufferSize);
        try
        {
            var read = await stream.ReadAtLeastAsync(buffer.AsMemory(0, MessageFraming.HeaderSize), MessageFraming.HeaderSize, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return null;
            }

            if (read < MessageFraming.HeaderSize)
            {
                throw new RpcException(StatusCode.Internal, $"The response ended inside a message prefix ({read} of 5 bytes).");
            }

            var length = MessageFraming.ReadHeader(buffer.AsSpan(0, MessageFraming.HeaderSize), maxSize, Direction);
            if (length > buffer.Length)
            {
                ArrayPool<byte>.Shared.Return(buffer);
                buffer = ArrayPool<byte>.Shared.Rent(length);
            }

            read = length == 0 ? 0 : await stream.ReadAtLeastAsync(buffer.AsMemory(0, length), length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < length)
            {
                throw new RpcException(StatusCode.Internal, $"The response ended inside a message ({read} of {length} bytes).");
            }

            return MessageFraming.Parse(parser, buffer.AsSpan(0, length), Direction);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
