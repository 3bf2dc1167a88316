using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace JindoMeta.Server.Tests.Support.Http2;

/// <summary>
/// An HTTP/2 cleartext client on a bare socket, for bytes no HTTP library would send: the test writes frames
/// (or anything at all) and reads back what the server answers, frame by frame.
/// </summary>
/// <remarks>
/// One reader at a time; writes may come from the test while a read is pending (they are serialized, as are the
/// acknowledgements the reader sends: it answers the server's SETTINGS and PING frames as a real client must).
/// Every header block is decoded in order, whatever its stream: HPACK state is per connection.
/// </remarks>
public sealed class RawHttp2Connection : IAsyncDisposable
{
    public static readonly byte[] Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    /// <summary>Generous: the daemon shares two cores with other builds.</summary>
    private static readonly TimeSpan ReadTimeout = TimeSpan.FromSeconds(30);

    private readonly NetworkStream _stream;
    private readonly Hpack.Decoder _decoder = new();
    private readonly byte[] _frameHeader = new byte[Http2Frame.HeaderLength];
    private readonly SemaphoreSlim _writing = new(1, 1);

    private RawHttp2Connection(NetworkStream stream, string authority)
    {
        _stream = stream;
        Authority = authority;
    }

    public string Authority { get; }

    /// <summary>The GOAWAY frame the server sent, once one was read.</summary>
    public Http2Frame? GoAway { get; private set; }

    /// <summary>Connects; with <paramref name="handshake"/>, also sends the preface and an empty SETTINGS frame.</summary>
    public static async Task<RawHttp2Connection> OpenAsync(int port, bool handshake = true)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        await socket.ConnectAsync(IPAddress.Loopback, port);
        var connection = new RawHttp2Connection(new NetworkStream(socket, ownsSocket: true), $"127.0.0.1:{port}");
        if (handshake)
        {
            await connection.WriteAsync(Preface);
            await connection.WriteFrameAsync(Http2FrameType.Settings, Http2Flags.None, 0, []);
        }

        return connection;
    }

    public async Task WriteAsync(ReadOnlyMemory<byte> bytes)
    {
        await _writing.WaitAsync();
        try
        {
            await _stream.WriteAsync(bytes);
            await _stream.FlushAsync();
        }
        finally
        {
            _writing.Release();
        }
    }

    public Task WriteFrameAsync(Http2FrameType type, byte flags, int streamId, byte[] payload) =>
        WriteAsync(new Http2Frame(type, flags, streamId, payload).Serialize());

    /// <summary>One HEADERS frame with END_HEADERS (the raw tests' header blocks are far below the 16 KiB frame size).</summary>
    public Task WriteHeadersAsync(int streamId, IEnumerable<(string Name, string Value)> headers, bool endStream) =>
        WriteFrameAsync(Http2FrameType.Headers, (byte)(Http2Flags.EndHeaders | (endStream ? Http2Flags.EndStream : 0)), streamId, Hpack.Encode(headers));

    public Task WriteDataAsync(int streamId, byte[] data, bool endStream) =>
        WriteFrameAsync(Http2FrameType.Data, endStream ? Http2Flags.EndStream : Http2Flags.None, streamId, data);

    public Task WriteResetAsync(int streamId, Http2ErrorCode code)
    {
        var payload = new byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(payload, (uint)code);
        return WriteFrameAsync(Http2FrameType.RstStream, Http2Flags.None, streamId, payload);
    }

    /// <summary>A whole request: HEADERS, then the body (if any) as one DATA frame with END_STREAM.</summary>
    public async Task<Http2Response> SendAsync(int streamId, IEnumerable<(string Name, string Value)> headers, byte[]? body)
    {
        await WriteHeadersAsync(streamId, headers, endStream: body is null);
        if (body is not null)
        {
            await WriteDataAsync(streamId, body, endStream: true);
        }

        return await ReadResponseAsync(streamId);
    }

    /// <summary>The next frame, or null once the server closed (or reset) the connection.</summary>
    public async Task<Http2Frame?> ReadFrameAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        try
        {
            await _stream.ReadExactlyAsync(_frameHeader, timeout.Token);
            var length = (_frameHeader[0] << 16) | (_frameHeader[1] << 8) | _frameHeader[2];
            var payload = new byte[length];
            await _stream.ReadExactlyAsync(payload, timeout.Token);
            var frame = new Http2Frame((Http2FrameType)_frameHeader[3], _frameHeader[4],
                BinaryPrimitives.ReadInt32BigEndian(_frameHeader.AsSpan(5)) & 0x7FFFFFFF, payload);
            await AnswerAsync(frame);
            return frame;
        }
        catch (Exception e) when (e is EndOfStreamException or IOException)
        {
            return null; // a reset connection is a closed connection
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the server sent no frame for {ReadTimeout.TotalSeconds}s and did not close the connection");
        }
    }

    /// <summary>Every frame the server sends until it closes the connection; fails if it keeps it open.</summary>
    public async Task<List<Http2Frame>> ReadUntilClosedAsync()
    {
        var frames = new List<Http2Frame>();
        while (await ReadFrameAsync() is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>Every byte the server sends until it closes the connection, unparsed (for answers that are not HTTP/2).</summary>
    public async Task<byte[]> ReadBytesUntilClosedAsync()
    {
        using var timeout = new CancellationTokenSource(ReadTimeout);
        using var received = new MemoryStream();
        try
        {
            await _stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // a reset connection is a closed connection
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            throw new TimeoutException($"the server kept the connection open for {ReadTimeout.TotalSeconds}s");
        }

        return received.ToArray();
    }

    /// <summary>
    /// The server's answer on one stream: its frames, header block(s) and DATA, until END_STREAM or RST_STREAM.
    /// Frames of other streams are read and dropped.
    /// </summary>
    public async Task<Http2Response> ReadResponseAsync(int streamId)
    {
        var response = new Http2Response(streamId);
        while (true)
        {
            var frame = await ReadFrameAsync()
                ?? throw new IOException($"the server closed the connection before stream {streamId} ended (GOAWAY: {GoAway?.ToString() ?? "none"})");
            var block = frame.Type is Http2FrameType.Headers ? await ReadHeaderBlockAsync(frame) : null;
            if (frame.StreamId != streamId)
            {
                continue;
            }

            response.Frames.Add(frame);
            if (block is not null)
            {
                (response.Headers.Count == 0 ? response.Headers : response.Trailers).AddRange(block);
            }
            else if (frame.Type is Http2FrameType.Data)
            {
                response.Data.Write(frame.Payload);
            }
            else if (frame.Type is Http2FrameType.RstStream)
            {
                response.ResetCode = frame.ErrorCode;
                return response;
            }

            if (frame.Type is Http2FrameType.Headers or Http2FrameType.Data && frame.Has(Http2Flags.EndStream))
            {
                return response;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _writing.Dispose();
    }

    /// <summary>A HEADERS frame's block, joined with its CONTINUATION frames (padding and priority are never sent by Kestrel).</summary>
    private async Task<List<(string Name, string Value)>> ReadHeaderBlockAsync(Http2Frame headers)
    {
        var block = new MemoryStream();
        block.Write(headers.Payload);
        var last = headers;
        while (!last.Has(Http2Flags.EndHeaders))
        {
            last = await ReadFrameAsync() ?? throw new IOException("the connection closed inside a header block");
            if (last.Type is not Http2FrameType.Continuation)
            {
                throw new InvalidDataException($"expected CONTINUATION, got {last}");
            }

            block.Write(last.Payload);
        }

        return _decoder.Decode(block.ToArray());
    }

    private async Task AnswerAsync(Http2Frame frame)
    {
        try
        {
            switch (frame.Type)
            {
                case Http2FrameType.Settings when !frame.Has(Http2Flags.Ack):
                    await WriteFrameAsync(Http2FrameType.Settings, Http2Flags.Ack, 0, []);
                    break;
                case Http2FrameType.Ping when !frame.Has(Http2Flags.Ack):
                    await WriteFrameAsync(Http2FrameType.Ping, Http2Flags.Ack, 0, frame.Payload);
                    break;
                case Http2FrameType.GoAway:
                    GoAway = frame;
                    break;
            }
        }
        catch (IOException)
        {
            // The server already closed its side; the frame it sent before still counts.
        }
    }
}
