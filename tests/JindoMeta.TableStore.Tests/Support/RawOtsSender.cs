using Google.Protobuf;
using JindoMeta.TableStore.Signing;

namespace JindoMeta.TableStore.Tests.Support;

/// <summary>Sends hand-made (possibly malformed) bodies, correctly signed, and decodes the Error reply.</summary>
internal sealed class RawOtsSender(Uri endpoint) : IDisposable
{
    private readonly HttpClient _http = new();

    public async Task<(int Status, string? Code, string? Message)> PostAsync(string operation, byte[] body, string method = "POST", DateTimeOffset? date = null)
    {
        var headers = new List<KeyValuePair<string, string>>
        {
            new("x-ots-date", OtsSignature.FormatRequestDate(date ?? DateTimeOffset.UtcNow)),
            new("x-ots-apiversion", OtsSignature.ApiVersion),
            new("x-ots-accesskeyid", EmulatorHarness.KeyId),
            new("x-ots-instancename", EmulatorHarness.Instance),
            new("x-ots-contentmd5", OtsSignature.ContentMd5(body)),
        };
        headers.Add(new("x-ots-signature", OtsSignature.Sign(EmulatorHarness.Secret, OtsSignature.RequestStringToSign("/" + operation, headers))));
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(endpoint, "/" + operation)) { Content = new ByteArrayContent(body) };
        foreach (var (name, value) in headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        using var response = await _http.SendAsync(request);
        var reply = await response.Content.ReadAsByteArrayAsync();
        Assert.True(response.Headers.Contains("authorization"), "every reply is signed");
        if (response.IsSuccessStatusCode)
        {
            return ((int)response.StatusCode, null, null);
        }
        var error = JindoMeta.TableStore.Protocol.Error.Parser.ParseFrom(reply);
        return ((int)response.StatusCode, error.Code, error.Message);
    }

    public static byte[] Serialize(IMessage message) => message.ToByteArray();

    public void Dispose() => _http.Dispose();
}
