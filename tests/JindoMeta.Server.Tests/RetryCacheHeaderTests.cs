using Grpc.Core;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests;

/// <summary>The x-jindo-client-id / x-jindo-call-id headers on a real daemon (rocksdb backend, which keeps the retry cache too).</summary>
public sealed class RetryCacheHeaderTests : IAsyncLifetime
{
    private const string ClientId = "0123456789abcdef0123456789abcdef";
    private readonly TempDirectory _temp = new();
    private DaemonProcess _daemon = null!;
    private RawClient _client = null!;

    public async Task InitializeAsync()
    {
        _daemon = await DaemonProcess.StartAsync(_temp.Sub("data"));
        _client = new RawClient(_daemon.Address);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _daemon.DisposeAsync();
        _temp.Dispose();
    }

    [Fact]
    public async Task A_create_sent_twice_with_the_same_ids_succeeds_twice_with_one_file_and_the_reply_declares_the_cache()
    {
        var first = Create("/f", ClientId, "7");
        var firstStatus = await first.ResponseAsync;
        var second = await Create("/f", ClientId, "7").ResponseAsync;
        var otherCall = await Assert.ThrowsAsync<RpcException>(() => Create("/f", ClientId, "8").ResponseAsync);

        Assert.Equal(firstStatus.Status.FileId, second.Status.FileId);
        Assert.Equal("1", first.GetTrailers().GetValue("jindo-retry-cache"));
        Assert.Equal(StatusCode.AlreadyExists, otherCall.StatusCode);
        Assert.Equal("1", otherCall.Trailers.GetValue("jindo-retry-cache"));
    }

    [Fact]
    public async Task Calls_without_ids_still_work_without_protection()
    {
        await Create("/g", null, null).ResponseAsync;

        var again = await Assert.ThrowsAsync<RpcException>(() => Create("/g", null, null).ResponseAsync);

        Assert.Equal(StatusCode.AlreadyExists, again.StatusCode);
    }

    [Theory]
    [InlineData("xyz", "1", "x-jindo-client-id")]
    [InlineData("00000000000000000000000000000000", "1", "x-jindo-client-id")]
    [InlineData(ClientId, "-1", "x-jindo-call-id")]
    [InlineData(ClientId, "one", "x-jindo-call-id")]
    [InlineData(ClientId, null, "x-jindo-call-id")]
    [InlineData(null, "1", "x-jindo-client-id")]
    public async Task A_malformed_or_half_pair_is_invalid_argument_naming_the_header(string? clientId, string? callId, string named)
    {
        var error = await Assert.ThrowsAsync<RpcException>(() => Create("/h", clientId, callId).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, error.StatusCode);
        Assert.StartsWith($"The '{named}' header", error.Status.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Status.Detail);
    }

    private AsyncUnaryCall<Proto.FileStatusResponse> Create(string path, string? clientId, string? callId)
    {
        var headers = new Metadata { { "x-jindo-user", "root" } };
        if (clientId is not null)
        {
            headers.Add("x-jindo-client-id", clientId);
        }

        if (callId is not null)
        {
            headers.Add("x-jindo-call-id", callId);
        }

        return new Proto.NamespaceService.NamespaceServiceClient(_client.Channel)
            .CreateAsync(new Proto.CreateRequest { Path = path }, new CallOptions(headers, DateTime.UtcNow.AddSeconds(30)));
    }
}
