using System.Globalization;
using System.Text;

namespace JindoMeta.Server.Tests.Support.Http2;

/// <summary>What the server sent on one stream, as read by <see cref="RawHttp2Connection.ReadResponseAsync"/>.</summary>
public sealed class Http2Response(int streamId)
{
    public int StreamId { get; } = streamId;

    /// <summary>The stream's HEADERS, DATA and RST_STREAM frames in arrival order (CONTINUATIONs folded in).</summary>
    public List<Http2Frame> Frames { get; } = [];

    /// <summary>The first header block: the response headers, or everything in a trailers-only response.</summary>
    public List<(string Name, string Value)> Headers { get; } = [];

    /// <summary>The second header block, empty in a trailers-only response.</summary>
    public List<(string Name, string Value)> Trailers { get; } = [];

    public MemoryStream Data { get; } = new();

    /// <summary>Set when the server ended the stream with RST_STREAM instead of END_STREAM.</summary>
    public Http2ErrorCode? ResetCode { get; internal set; }

    public int? HttpStatus => Header(":status") is { } status ? int.Parse(status, CultureInfo.InvariantCulture) : null;

    /// <summary>grpc-status from the trailers, or from the headers of a trailers-only response.</summary>
    public int? GrpcStatus => (Trailer("grpc-status") ?? Header("grpc-status")) is { } status ? int.Parse(status, CultureInfo.InvariantCulture) : null;

    /// <summary>grpc-message, percent-decoded (gRPC over HTTP/2: percent-encoded UTF-8).</summary>
    public string GrpcMessage => Uri.UnescapeDataString(Trailer("grpc-message") ?? Header("grpc-message") ?? "");

    public string? Header(string name) => Find(Headers, name);

    public string? Trailer(string name) => Find(Trailers, name);

    public override string ToString()
    {
        var text = new StringBuilder($"stream {StreamId}: ");
        text.AppendJoin(", ", Frames.Select(f => $"{f.Type}{(f.Has(Http2Flags.EndStream) && f.Type is Http2FrameType.Headers or Http2FrameType.Data ? "+END_STREAM" : "")}"));
        text.Append("; headers ").AppendJoin(", ", Headers.Select(h => $"{h.Name}: {h.Value}"));
        text.Append("; trailers ").AppendJoin(", ", Trailers.Select(h => $"{h.Name}: {h.Value}"));
        text.Append(CultureInfo.InvariantCulture, $"; {Data.Length} data bytes");
        if (ResetCode is { } code)
        {
            text.Append(CultureInfo.InvariantCulture, $"; reset {code}");
        }

        return text.ToString();
    }

    private static string? Find(List<(string Name, string Value)> block, string name) =>
        block.Where(h => h.Name == name).Select(h => h.Value).FirstOrDefault();
}
