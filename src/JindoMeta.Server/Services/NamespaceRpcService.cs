using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Security;
using JindoMeta.Rpc;
using JindoMeta.Rpc.Server;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Security;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Services;

/// <summary>
/// jindometa.v1.NamespaceService: turns each request into a namespace command or read on the right backend,
/// with the caller identified by the `x-jindo-user` header (Hadoop simple auth) and groups resolved here.
/// </summary>
public sealed class NamespaceRpcService(NamespaceRegistry registry, GroupResolver groups, ServerSettings settings)
{
    public const string UserHeader = "x-jindo-user";
    private const ushort DefaultDirectoryPermission = 0x1FF; // 0777, masked by the umask
    private const ushort DefaultFilePermission = 0x1B6;      // 0666

    public GrpcServiceDefinition CreateDefinition() =>
        GrpcServiceDefinition.FromDescriptor(Proto.NamespaceReflection.Descriptor.Services.Single(s => s.Name == "NamespaceService"))
            .AddUnary<Proto.MkdirsRequest, Proto.FileStatusResponse>("Mkdirs", (r, c) => Submit(r.Namespace, c, caller =>
                new MkdirsCommand(caller, r.Path, Mode(r.HasPermission ? r.Permission : DefaultDirectoryPermission), r.CreateParent, Umask(r.HasUmask, r.Umask))))
            .AddUnary<Proto.CreateRequest, Proto.FileStatusResponse>("Create", (r, c) => Submit(r.Namespace, c, caller =>
                new CreateFileCommand(caller, r.Path, Mode(r.HasPermission ? r.Permission : DefaultFilePermission), r.Overwrite, r.CreateParent,
                    r.Replication == 0 ? settings.DefaultReplication : (short)Math.Clamp(r.Replication, short.MinValue, short.MaxValue),
                    r.BlockSize == 0 ? settings.DefaultBlockSize : r.BlockSize, Umask(r.HasUmask, r.Umask))))
            .AddUnary<Proto.CompleteRequest, Proto.FileStatusResponse>("Complete", (r, c) => Submit(r.Namespace, c, caller =>
                new CompleteFileCommand(caller, r.Path, r.Length, r.Blocks.Select(ProtoMapping.FromProto).ToArray())))
            .AddUnary<Proto.DeleteRequest, Proto.DeleteResponse>("Delete", async (r, c) =>
            {
                await Submit(r.Namespace, c, caller => new DeleteCommand(caller, r.Path, r.Recursive)).ConfigureAwait(false);
                return new Proto.DeleteResponse();
            })
            .AddUnary<Proto.RenameRequest, Proto.FileStatusResponse>("Rename", (r, c) => Submit(r.Namespace, c, caller =>
                new RenameCommand(caller, r.Source, r.Destination, r.Overwrite)))
            .AddUnary<Proto.SetPermissionRequest, Proto.FileStatusResponse>("SetPermission", (r, c) => Submit(r.Namespace, c, caller =>
                new SetPermissionCommand(caller, r.Path, Mode(r.Permission))))
            .AddUnary<Proto.SetOwnerRequest, Proto.FileStatusResponse>("SetOwner", (r, c) => Submit(r.Namespace, c, caller =>
                new SetOwnerCommand(caller, r.Path, r.HasOwner ? r.Owner : null, r.HasGroup ? r.Group : null)))
            .AddUnary<Proto.SetTimesRequest, Proto.FileStatusResponse>("SetTimes", (r, c) => Submit(r.Namespace, c, caller =>
                new SetTimesCommand(caller, r.Path, r.ModificationTime, r.AccessTime)))
            .AddUnary<Proto.GetFileInfoRequest, Proto.FileStatusResponse>("GetFileInfo", async (r, c) =>
            {
                var (backend, caller) = Begin(r.Namespace, c);
                var status = ErrorMapping.Unwrap(await backend.GetFileInfoAsync(r.Path, caller, c.CancellationToken).ConfigureAwait(false));
                return new Proto.FileStatusResponse { Status = ProtoMapping.ToProto(status, r.IncludeBlocks) };
            })
            .AddUnary<Proto.ListStatusRequest, Proto.ListStatusResponse>("ListStatus", async (r, c) =>
            {
                var (backend, caller) = Begin(r.Namespace, c);
                var limit = r.Limit == 0 ? 1000 : r.Limit;
                var listing = ErrorMapping.Unwrap(await backend.ListStatusAsync(
                    r.Path, r.StartAfter.Length == 0 ? null : r.StartAfter, limit, caller, c.CancellationToken).ConfigureAwait(false));
                var response = new Proto.ListStatusResponse { HasMore = listing.HasMore, NextCursor = listing.NextCursor ?? "" };
                response.Entries.AddRange(listing.Entries.Select(e => ProtoMapping.ToProto(e, includeBlocks: false)));
                return response;
            })
            .AddUnary<Proto.GetContentSummaryRequest, Proto.ContentSummaryResponse>("GetContentSummary", async (r, c) =>
            {
                var (backend, caller) = Begin(r.Namespace, c);
                var summary = ErrorMapping.Unwrap(await backend.GetContentSummaryAsync(r.Path, caller, c.CancellationToken).ConfigureAwait(false));
                return new Proto.ContentSummaryResponse { DirectoryCount = summary.DirectoryCount, FileCount = summary.FileCount, Length = summary.Length };
            });

    private ushort Umask(bool given, uint umask) => given ? Mode(umask) : settings.Umask;

    // Out-of-range values saturate (never wrap) so the engine rejects them by name instead of accepting a wrapped mode.
    private static ushort Mode(uint value) => (ushort)Math.Min(value, ushort.MaxValue);

    private async ValueTask<Proto.FileStatusResponse> Submit(string namespaceName, ServerCallContext context, Func<CallerIdentity, NamespaceCommand> command)
    {
        var (backend, caller) = Begin(namespaceName, context);
        var status = ErrorMapping.Unwrap(await backend.SubmitAsync(command(caller), context.CancellationToken).ConfigureAwait(false));
        return new Proto.FileStatusResponse { Status = status is null ? null : ProtoMapping.ToProto(status, includeBlocks: false) };
    }

    private (INamespaceBackend Backend, CallerIdentity Caller) Begin(string namespaceName, ServerCallContext context)
    {
        var user = context.RequestHeaders.GetString(UserHeader);
        if (string.IsNullOrWhiteSpace(user))
        {
            throw new RpcException(StatusCode.Unauthenticated, $"The call carries no user name: set the '{UserHeader}' metadata header (Hadoop simple auth)");
        }

        var backend = ErrorMapping.Unwrap(registry.Find(namespaceName));
        return (backend, groups.Resolve(user));
    }
}
