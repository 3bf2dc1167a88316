using System.Buffers.Binary;
using System.Net.Sockets;
using System.Text;
using JindoMeta.Rpc.Tests.Protos;

namespace JindoMeta.Rpc.Tests;

/// <summary>
/// Bytes no HTTP client library would send, written straight to the socket: broken connections must cost the
/// server nothing but that connection.
/// </summary>
public sealed class RawFrameTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>
{
    private static readonly byte[] Preface = Encoding.ASCII.GetBytes("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

    [Fact]
    public async Task Garbage_instead_of_the_HTTP2_preface_closes_only_that_connection()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(Encoding.ASCII.GetBytes("\x16\x03\x01 this is not HTTP/2 at all\r\n\r\n"));

        await ReadUntilClosedAsync(socket);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Http11_request_to_the_h2_only_port_is_refused()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(Encoding.ASCII.GetBytes("POST /jindometa.rpc.test.Echo/Unary HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n"));

        var reply = Encoding.ASCII.GetString(await ReadUntilClosedAsync(socket));
        Assert.DoesNotContain("grpc-status: 0", reply, StringComparison.Ordinal);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Data_frame_on_stream_zero_is_a_connection_error_answered_with_GOAWAY()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(Preface);
        await socket.WriteAsync(Frame(type: 0x4, flags: 0, stream: 0, [])); // SETTINGS
        await socket.WriteAsync(Frame(type: 0x0, flags: 0, stream: 0, [1, 2, 3])); // DATA on stream 0: PROTOCOL_ERROR

        var frames = await ReadUntilClosedAsync(socket);
        Assert.Contains(FrameTypes(frames), type => type == 0x7); // GOAWAY
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Stream_reset_in_the_middle_of_a_message_leaves_the_server_serving()
    {
        await using var socket = await ConnectAsync();
        await socket.WriteAsync(Preface);
        await socket.WriteAsync(Frame(type: 0x4, flags: 0, stream: 0, []));
        await socket.WriteAsync(Frame(type: 0x1, flags: 0x4, stream: 1, RequestHeaders(fixture.Server.Address))); // HEADERS, END_HEADERS
        await socket.WriteAsync(Frame(type: 0x0, flags: 0, stream: 1, [0, 0, 0, 0, 100, 1, 2])); // 2 of 100 bytes
        await socket.WriteAsync(Frame(type: 0x3, flags: 0, stream: 1, [0, 0, 0, 8])); // RST_STREAM CANCEL
        // Then a second stream on the same connection whose message ends early: the server answers it (HEADERS on stream 3).
        await socket.WriteAsync(Frame(type: 0x1, flags: 0x4, stream: 3, RequestHeaders(fixture.Server.Address)));
        await socket.WriteAsync(Frame(type: 0x0, flags: 0x1, stream: 3, [0, 0, 0, 0, 100, 1, 2])); // END_STREAM

        var headersOnStream3 = await ReadFrameAsync(socket, type: 0x1, stream: 3);
        Assert.True(headersOnStream3, "the server answered the truncated stream");
        await AssertServerStillServesAsync();
    }

    private static byte[] Frame(byte type, byte flags, int stream, byte[] payload)
    {
        var frame = new byte[9 + payload.Length];
        frame[0] = (byte)(payload.Length >> 16);
        frame[1] = (byte)(payload.Length >> 8);
        frame[2] = (byte)payload.Length;
        frame[3] = type;
        frame[4] = flags;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(5), stream);
        payload.CopyTo(frame, 9);
        return frame;
    }

    /// <summary>HPACK "literal header field without indexing, new name" entries, no Huffman coding.</summary>
    private static byte[] RequestHeaders(string authority)
    {
        var block = new List<byte>();
        foreach (var (name, value) in new[]
        {
            (":method", "POST"), (":scheme", "http"), (":path", "/jindometa.rpc.test.Echo/Unary"), (":authority", authority),
            ("content-type", "application/grpc"), ("te", "trailers"),
        })
        {
            block.Add(0);
            block.Add((byte)name.Length);
            block.AddRange(Encoding.ASCII.GetBytes(name));
            block.Add((byte)value.Length);
            block.AddRange(Encoding.ASCII.GetBytes(value));
        }

        return [.. block];
    }

    private static IEnumerable<byte> FrameTypes(byte[] data)
    {
        for (var offset = 0; offset + 9 <= data.Length;)
        {
            var length = (data[offset] << 16) | (data[offset + 1] << 8) | data[offset + 2];
            yield return data[offset + 3];
            offset += 9 + length;
        }
    }

    private async Task<NetworkStream> ConnectAsync()
    {
        var client = new TcpClient();
        await client.ConnectAsync(System.Net.IPAddress.Loopback, fixture.Server.Port);
        return new NetworkStream(client.Client, ownsSocket: true);
    }

    private static async Task<byte[]> ReadUntilClosedAsync(NetworkStream socket)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReadAsync(buffer, timeout.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
        }
        catch (IOException)
        {
            // a reset connection is a closed connection
        }

        return received.ToArray();
    }

    private static async Task<bool> ReadFrameAsync(NetworkStream socket, byte type, int stream)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        var header = new byte[9];
        while (true)
        {
            await socket.ReadExactlyAsync(header, timeout.Token);
            var length = (header[0] << 16) | (header[1] << 8) | header[2];
            var payload = new byte[length];
            await socket.ReadExactlyAsync(payload, timeout.Token);
            if (header[3] == type && (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(5)) & 0x7FFFFFFF) == stream)
            {
                return true;
            }
        }
    }

    private async Task AssertServerStillServesAsync()
    {
        var reply = await fixture.Channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Text = "still serving" });
        Assert.Equal("still serving", reply.Text);
    }
}
