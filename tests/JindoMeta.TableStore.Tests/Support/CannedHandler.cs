using System.Net;
using System.Text.Json.Nodes;

namespace JindoMeta.TableStore.Tests.Support;

/// <summary>Records the client's request and answers with a vector's canned reply (headers and body as captured).</summary>
internal sealed class CannedHandler(JsonNode vector) : HttpMessageHandler
{
    public HttpRequestMessage? Request { get; private set; }

    public byte[] RequestBody { get; private set; } = [];

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        Request = request;
        RequestBody = request.Content is null ? [] : await request.Content.ReadAsByteArrayAsync(cancellationToken);
        var reply = vector["response"]!;
        var response = new HttpResponseMessage((HttpStatusCode)reply["status"]!.GetValue<int>())
        {
            Content = new ByteArrayContent(Convert.FromHexString(reply["body_hex"]!.GetValue<string>())),
        };
        foreach (var (name, value) in reply["headers"]!.AsObject())
        {
            if (!name.Equals("content-length", StringComparison.OrdinalIgnoreCase))
            {
                response.Headers.TryAddWithoutValidation(name, value!.GetValue<string>());
            }
        }
        return response;
    }
}
