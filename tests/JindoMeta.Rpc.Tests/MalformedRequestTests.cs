using System.Buffers.Binary;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using JindoMeta.Rpc.Tests.Protos;

namespace JindoMeta.Rpc.Tests;

/// <summary>
/// Requests a well-behaved client never sends, written by hand over HTTP/2 (HttpClient with custom bodies and
/// headers). Each gets the status the gRPC HTTP/2 protocol asks for, and the server keeps serving afterwards.
/// </summary>
public sealed class MalformedRequestTests(EchoServerFixture fixture) : IClassFixture<EchoServerFixture>, IDisposable
{
    private const string UnaryPath = "/jindometa.rpc.test.Echo/Unary";

    private readonly HttpMessageInvoker _http = new(new SocketsHttpHandler { UseProxy = false });

    public static TheoryData<string, byte[], int> BadBodies => new()
    {
        { "truncated prefix", [0, 0, 0], (int)StatusCode.Internal },
        { "truncated message", Frame(0, 10, [1, 2, 3, 4]), (int)StatusCode.Internal },
        { "empty body", [], (int)StatusCode.Internal },
        { "invalid protobuf", Frame(0, 3, [0xFF, 0xFF, 0xFF]), (int)StatusCode.Internal },
        { "compressed flag without grpc-encoding", Frame(1, 2, [0x0A, 0x00]), (int)StatusCode.Internal },
        { "invalid flag byte", Frame(2, 2, [0x0A, 0x00]), (int)StatusCode.Internal },
        { "two messages on a unary call", [.. Frame(0, 0, []), .. Frame(0, 0, [])], (int)StatusCode.Internal },
        { "prefix over the receive limit", Frame(0, 100 << 20, []), (int)StatusCode.ResourceExhausted },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Malformed_body_gets_its_status_and_the_server_keeps_serving(string scenario, byte[] body, int expected)
    {
        var (http, status, message) = await SendAsync(body);

        Assert.True(http == HttpStatusCode.OK, scenario);
        Assert.True(expected == status, $"{scenario}: got {status} {message}");
        Assert.False(string.IsNullOrEmpty(message), scenario);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Wrong_content_type_is_HTTP_415()
    {
        var (http, status, _) = await SendAsync(Frame(0, 0, []), contentType: "application/json");

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, http);
        Assert.Equal((int)StatusCode.Internal, status);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Get_instead_of_post_is_HTTP_405()
    {
        var (http, _, message) = await SendAsync(null, method: HttpMethod.Get);

        Assert.Equal(HttpStatusCode.MethodNotAllowed, http);
        Assert.Contains("POST", message, StringComparison.Ordinal);
        await AssertServerStillServesAsync();
    }

    [Theory]
    [InlineData("12x")]
    [InlineData("1.5S")]
    [InlineData("123456789m")]
    public async Task Malformed_grpc_timeout_is_INTERNAL(string timeout)
    {
        var (_, status, message) = await SendAsync(Frame(0, 0, []), headers: [("grpc-timeout", timeout)]);

        Assert.Equal((int)StatusCode.Internal, status);
        Assert.Contains("grpc-timeout", message, StringComparison.Ordinal);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Zero_timeout_is_DEADLINE_EXCEEDED()
    {
        var (_, status, _) = await SendAsync(Frame(0, 0, []), headers: [("grpc-timeout", "0m")]);

        Assert.Equal((int)StatusCode.DeadlineExceeded, status);
    }

    [Fact]
    public async Task Server_enforces_the_deadline_even_when_the_handler_ignores_it()
    {
        var request = new EchoRequest { DelayMs = 3000, IgnoreCancellation = true }.ToByteArray();
        var watch = System.Diagnostics.Stopwatch.StartNew();

        var (_, status, _) = await SendAsync(Frame(0, request.Length, request), headers: [("grpc-timeout", "200m")]);

        Assert.Equal((int)StatusCode.DeadlineExceeded, status);
        Assert.InRange(watch.ElapsedMilliseconds, 150, 2500);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Unsupported_grpc_encoding_is_UNIMPLEMENTED_and_names_identity()
    {
        using var request = CreateRequest(Frame(0, 0, []), "application/grpc", HttpMethod.Post, [("grpc-encoding", "snappy")]);
        using var response = await _http.SendAsync(request, CancellationToken.None);

        Assert.Equal("12", Header(response.Headers, "grpc-status"));
        Assert.Equal("identity", Header(response.Headers, "grpc-accept-encoding"));
    }

    [Fact]
    public async Task Invalid_binary_metadata_is_INTERNAL()
    {
        var (_, status, message) = await SendAsync(Frame(0, 0, []), headers: [("x-trace-bin", "!!not base64!!")]);

        Assert.Equal((int)StatusCode.Internal, status);
        Assert.Contains("x-trace-bin", message, StringComparison.Ordinal);
        await AssertServerStillServesAsync();
    }

    [Fact]
    public async Task Non_grpc_request_to_an_unknown_path_is_a_plain_404()
    {
        var (http, status, _) = await SendAsync(null, method: HttpMethod.Get, path: "/index.html");

        Assert.Equal(HttpStatusCode.NotFound, http);
        Assert.Equal(-1, status);
    }

    public void Dispose() => _http.Dispose();

    internal static byte[] Frame(byte flag, int declaredLength, byte[] content)
    {
        var frame = new byte[5 + content.Length];
        frame[0] = flag;
        BinaryPrimitives.WriteInt32BigEndian(frame.AsSpan(1), declaredLength);
        content.CopyTo(frame, 5);
        return frame;
    }

    private async Task<(HttpStatusCode Http, int Status, string Message)> SendAsync(
        byte[]? body, string contentType = "application/grpc", HttpMethod? method = null, (string, string)[]? headers = null, string path = UnaryPath)
    {
        using var request = CreateRequest(body, contentType, method ?? HttpMethod.Post, headers ?? [], path);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        using var response = await _http.SendAsync(request, timeout.Token);
        await response.Content.ReadAsByteArrayAsync(timeout.Token); // trailers arrive after the body
        var status = Header(response.Headers, "grpc-status") ?? Header(response.TrailingHeaders, "grpc-status");
        var message = Header(response.Headers, "grpc-message") ?? Header(response.TrailingHeaders, "grpc-message") ?? string.Empty;
        return (response.StatusCode, status is null ? -1 : int.Parse(status, System.Globalization.CultureInfo.InvariantCulture), GrpcMessageEncoding.Decode(message));
    }

    private HttpRequestMessage CreateRequest(byte[]? body, string contentType, HttpMethod method, (string, string)[] headers, string path = UnaryPath)
    {
        var request = new HttpRequestMessage(method, $"http://{fixture.Server.Address}{path}")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TryAddWithoutValidation("te", "trailers");
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }

        return request;
    }

    private static string? Header(HttpHeaders headers, string name) =>
        headers.TryGetValues(name, out var values) ? values.First() : null;

    private async Task AssertServerStillServesAsync()
    {
        var reply = await fixture.Channel.CallUnaryAsync(EchoServerFixture.Unary, new EchoRequest { Text = "still serving" });
        Assert.Equal("still serving", reply.Text);
    }
}
