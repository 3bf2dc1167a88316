using System.Buffers;
using System.IO.Pipelines;
using Google.Protobuf;

namespace JindoMeta.Rpc.Server;

/// <summary>Reads request messages from Kestrel's body pipe, enforcing the receive limit from the prefix.</summary>
internal static class RequestReader
{
    private const string Direction = "Request";

    /// <summary>
    /// Reads exactly one message followed by END_STREAM (unary and server-streaming calls). Small complete messages
    /// are parsed in place; a message still arriving is copied out of the pipe so HTTP/2 flow control keeps
    /// granting window while we wait for the rest.
    /// </summary>
    public static async ValueTask<T> ReadSingleAsync<T>(PipeReader reader, MessageParser<T> parser, int maxSize, CancellationToken cancellationToken)
        where T : IMessage<T>
    {
        byte[]? rented = null;
        var length = -1;
        var filled = 0;
        try
        {
            while (true)
            {
                var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                var buffer = result.Buffer;
                if (rented is null)
                {
                    if (length < 0 && buffer.Length >= MessageFraming.HeaderSize)
                    {
                        length = ReadHeader(buffer, maxSize);
                    }

                    if (length >= 0 && buffer.Length >= MessageFraming.HeaderSize + length)
                    {
                        if (buffer.Length > MessageFraming.HeaderSize + length)
                        {
                            reader.AdvanceTo(buffer.End);
                            throw TooManyMessages();
                        }

                        if (result.IsCompleted)
                        {
                            var message = MessageFraming.Parse(parser, buffer.Slice(MessageFraming.HeaderSize), Direction);
                            reader.AdvanceTo(buffer.End);
                            return message;
                        }

                        reader.AdvanceTo(buffer.Start, buffer.End); // whole message here; wait for END_STREAM
                        continue;
                    }

                    if (result.IsCompleted)
                    {
                        var empty = buffer.Length == 0;
                        reader.AdvanceTo(buffer.End);
                        throw empty
                            ? new RpcException(StatusCode.Internal, "The request contained no message; this method needs exactly one.")
                            : Incomplete(buffer.Length, length);
                    }

                    if (length < 0)
                    {
                        reader.AdvanceTo(buffer.Start, buffer.End);
                        continue;
                    }

                    rented = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
                    var body = buffer.Slice(MessageFraming.HeaderSize);
                    body.CopyTo(rented);
                    filled = (int)body.Length;
                    reader.AdvanceTo(buffer.End);
                    continue;
                }

                var take = (int)Math.Min(buffer.Length, length - filled);
                buffer.Slice(0, take).CopyTo(rented.AsSpan(filled));
                filled += take;
                var extra = buffer.Length > take;
                reader.AdvanceTo(buffer.End);
                if (extra)
                {
                    throw TooManyMessages();
                }

                if (result.IsCompleted)
                {
                    return filled < length
                        ? throw Incomplete(MessageFraming.HeaderSize + filled, length)
                        : MessageFraming.Parse(parser, rented.AsSpan(0, length), Direction);
                }
            }
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    internal static int ReadHeader(in ReadOnlySequence<byte> buffer, int maxSize)
    {
        Span<byte> header = stackalloc byte[MessageFraming.HeaderSize];
        buffer.Slice(0, MessageFraming.HeaderSize).CopyTo(header);
        return MessageFraming.ReadHeader(header, maxSize, Direction);
    }

    internal static RpcException Incomplete(long received, int length) => new(StatusCode.Internal,
        length < 0
            ? $"The request ended inside a message prefix ({received} of 5 bytes)."
            : $"The request ended inside a message ({received - MessageFraming.HeaderSize} of {length} bytes).");

    private static RpcException TooManyMessages() =>
        new(StatusCode.Internal, "The request contained more than one message; this method needs exactly one.");
}

/// <summary>Successive request messages of a bidirectional-streaming call.</summary>
internal sealed class RequestStreamReader<T>(PipeReader reader, MessageParser<T> parser, ServerCallContext context) : IAsyncStreamReader<T>
    where T : IMessage<T>
{
    private T? _current;

    public T Current => _current ?? throw new InvalidOperationException("MoveNextAsync has not returned true yet.");

    public async ValueTask<bool> MoveNextAsync(CancellationToken cancellationToken = default)
    {
        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, context.CancellationToken)
            : null;
        var token = linked?.Token ?? context.CancellationToken;
        while (true)
        {
            var result = await reader.ReadAsync(token).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (buffer.Length >= MessageFraming.HeaderSize)
            {
                var length = RequestReader.ReadHeader(buffer, context.Options.MaxReceiveMessageSize);
                if (buffer.Length >= MessageFraming.HeaderSize + length)
                {
                    var end = buffer.GetPosition(MessageFraming.HeaderSize + length);
                    _current = MessageFraming.Parse(parser, buffer.Slice(MessageFraming.HeaderSize, length), "Request");
                    reader.AdvanceTo(end);
                    return true;
                }

                if (result.IsCompleted)
                {
                    reader.AdvanceTo(buffer.End);
                    throw RequestReader.Incomplete(buffer.Length, length);
                }
            }
            else if (result.IsCompleted)
            {
                reader.AdvanceTo(buffer.End);
                return buffer.Length == 0 ? false : throw RequestReader.Incomplete(buffer.Length, -1);
            }

            reader.AdvanceTo(buffer.Start, buffer.End);
        }
    }
}
