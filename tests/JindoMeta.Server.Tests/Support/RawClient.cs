using Google.Protobuf;
using JindoMeta.Rpc;
using JindoMeta.Rpc.Client;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Support;

/// <summary>Calls the daemon's services through the bare gRPC channel (no client-library retries in the way).</summary>
public sealed class RawClient(string address, string user = "root") : IDisposable
{
    private static readonly Google.Protobuf.Reflection.ServiceDescriptor NamespaceService =
        Proto.NamespaceReflection.Descriptor.Services.Single(s => s.Name == "NamespaceService");

    private readonly GrpcChannel _channel = new(address);

    public Task<Proto.FileStatusResponse> MkdirsAsync(string path, bool parents = true, string ns = "") =>
        CallAsync<Proto.MkdirsRequest, Proto.FileStatusResponse>("Mkdirs", new() { Namespace = ns, Path = path, CreateParent = parents });

    public Task<Proto.FileStatusResponse> CreateAsync(string path, string ns = "") =>
        CallAsync<Proto.CreateRequest, Proto.FileStatusResponse>("Create", new() { Namespace = ns, Path = path, CreateParent = true });

    public Task<Proto.FileStatusResponse> CompleteAsync(string path, long length, string ns = "") =>
        CallAsync<Proto.CompleteRequest, Proto.FileStatusResponse>("Complete", new()
        {
            Namespace = ns,
            Path = path,
            Length = length,
            Blocks = { new Proto.Block { BlockId = length, NumBytes = length, GenerationStamp = 1 } },
        });

    public Task<Proto.FileStatusResponse> GetFileInfoAsync(string path, string ns = "") =>
        CallAsync<Proto.GetFileInfoRequest, Proto.FileStatusResponse>("GetFileInfo", new() { Namespace = ns, Path = path, IncludeBlocks = true });

    public Task<Proto.ListStatusResponse> ListAsync(string path, string startAfter = "", int limit = 0, string ns = "") =>
        CallAsync<Proto.ListStatusRequest, Proto.ListStatusResponse>("ListStatus", new() { Namespace = ns, Path = path, StartAfter = startAfter, Limit = limit });

    public Task<Proto.DeleteResponse> DeleteAsync(string path, bool recursive, string ns = "") =>
        CallAsync<Proto.DeleteRequest, Proto.DeleteResponse>("Delete", new() { Namespace = ns, Path = path, Recursive = recursive });

    public Task<Proto.MetaStatusResponse> MetaStatusAsync(bool detail) =>
        _channel.CallUnaryAsync(
            new GrpcMethod<Proto.MetaStatusRequest, Proto.MetaStatusResponse>("/jindometa.v1.AdminService/MetaStatus", Proto.MetaStatusResponse.Parser),
            new Proto.MetaStatusRequest { Detail = detail },
            new CallOptions(Timeout: TimeSpan.FromSeconds(30)));

    public Task<TResponse> CallAsync<TRequest, TResponse>(string method, TRequest request, string? asUser = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var headers = new Metadata();
        if ((asUser ?? user) is { Length: > 0 } name)
        {
            headers.Add("x-jindo-user", name);
        }

        var descriptor = NamespaceService.FindMethodByName(method);
        var parser = new MessageParser<TResponse>(() => new TResponse());
        return _channel.CallUnaryAsync(GrpcMethod<TRequest, TResponse>.FromDescriptor(descriptor, parser), request,
            new CallOptions(headers, Timeout: TimeSpan.FromSeconds(30)));
    }

    public void Dispose() => _channel.Dispose();
}
