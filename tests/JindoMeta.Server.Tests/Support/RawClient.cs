using Grpc.Core;
using Grpc.Net.Client;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Support;

/// <summary>Calls the daemon's services through a bare Grpc.Net.Client channel (no client-library retries in the way).</summary>
public sealed class RawClient(string address, string user = "root") : IDisposable
{
    private readonly GrpcChannel _channel = GrpcChannel.ForAddress($"http://{address}");

    public GrpcChannel Channel => _channel;

    private Proto.NamespaceService.NamespaceServiceClient Namespace => new(_channel);

    public Task<Proto.FileStatusResponse> MkdirsAsync(string path, bool parents = true, string ns = "") =>
        Namespace.MkdirsAsync(new() { Namespace = ns, Path = path, CreateParent = parents }, Options()).ResponseAsync;

    public Task<Proto.FileStatusResponse> CreateAsync(string path, string ns = "") =>
        Namespace.CreateAsync(new() { Namespace = ns, Path = path, CreateParent = true }, Options()).ResponseAsync;

    public Task<Proto.FileStatusResponse> CompleteAsync(string path, long length, string ns = "") =>
        Namespace.CompleteAsync(new()
        {
            Namespace = ns,
            Path = path,
            Length = length,
            Blocks = { new Proto.Block { BlockId = length, NumBytes = length, GenerationStamp = 1 } },
        }, Options()).ResponseAsync;

    public Task<Proto.FileStatusResponse> GetFileInfoAsync(string path, string ns = "") =>
        Namespace.GetFileInfoAsync(new() { Namespace = ns, Path = path, IncludeBlocks = true }, Options()).ResponseAsync;

    public Task<Proto.ListStatusResponse> ListAsync(string path, string startAfter = "", int limit = 0, string ns = "") =>
        Namespace.ListStatusAsync(new() { Namespace = ns, Path = path, StartAfter = startAfter, Limit = limit }, Options()).ResponseAsync;

    public Task<Proto.DeleteResponse> DeleteAsync(string path, bool recursive, string ns = "") =>
        Namespace.DeleteAsync(new() { Namespace = ns, Path = path, Recursive = recursive }, Options()).ResponseAsync;

    public Task<Proto.MetaStatusResponse> MetaStatusAsync(bool detail) =>
        new Proto.AdminService.AdminServiceClient(_channel).MetaStatusAsync(new Proto.MetaStatusRequest { Detail = detail }, Options(asUser: "")).ResponseAsync;

    /// <summary>Any NamespaceService call, as <paramref name="asUser"/> (empty: no user header at all).</summary>
    public Task<TResponse> CallAsync<TResponse>(Func<Proto.NamespaceService.NamespaceServiceClient, CallOptions, AsyncUnaryCall<TResponse>> call, string? asUser = null) =>
        call(Namespace, Options(asUser)).ResponseAsync;

    public void Dispose() => _channel.Dispose();

    private CallOptions Options(string? asUser = null)
    {
        var headers = new Metadata();
        if ((asUser ?? user) is { Length: > 0 } name)
        {
            headers.Add("x-jindo-user", name);
        }

        return new CallOptions(headers, DateTime.UtcNow.AddSeconds(30));
    }
}
