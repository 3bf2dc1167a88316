using System.Buffers;
using System.Net;
using Google.Protobuf;

namespace JindoMeta.Rpc.Client;

/// <summary>A request body of one length-prefixed message, serialised into a pooled buffer (no per-call array).</summary>
internal sealed class FramedRequestContent : HttpContent
{
    private readonly IMessage _message;
    private readonly int _size;

    public FramedRequestContent(IMessage message, int size)
    {
        _message = message;
        _size = size;
        Headers.TryAddWithoutValidation("Content-Type", GrpcProtocol.ContentType);
    }

    protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
    {
        var length = MessageFraming.HeaderSize + _size;
        var buffer = ArrayPool<byte>.Shared.Rent(length);
        try
        {
            MessageFraming.WriteHeader(buffer, _size);
            _message.WriteTo(buffer.AsSpan(MessageFraming.HeaderSize, _size));
            await stream.WriteAsync(buffer.AsMemory(0, length), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
        SerializeToStreamAsync(stream, context, CancellationToken.None);

    protected override bool TryComputeLength(out long length)
    {
        length = MessageFraming.HeaderSize + _size;
        return true;
    }
}
