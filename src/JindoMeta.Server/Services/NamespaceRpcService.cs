using Grpc.Core;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Data;
using JindoMeta.Server.Security;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Services;

/// <summary>
/// jindometa.v1.NamespaceService: turns each request into a namespace command or read on the right backend,
/// with the caller identified by <see cref="CallerAuthentication"/>.
/// Errors leave through <see cref="ErrorMapping"/> only.
/// </summary>
/// <remarks>
/// A mutating call may carry `x-jindo-client-id` (32 hex digits: the client instance's 16-byte id) and
/// `x-jindo-call-id` (a decimal number, the same on every retry of one operation); the backend's retry cache then
/// answers a retry with the first attempt's outcome. Every mutating call's reply on a backend that keeps the cache
/// carries the trailer `jindo-retry-cache: 1`, which is what lets a client resend a call whose outcome is unknown.
/// </remarks>
/// <remarks>
/// Files under construction have leases (<see cref="FileLeases"/>): Create and Append grant one to the caller, Complete
/// needs it (or one that lapsed) and releases it, and re-creating a file another client is writing is refused.
/// </remarks>
public sealed class NamespaceRpcService(
    NamespaceRegistry registry, CallerAuthentication authentication, ServerSettings settings, FileLeases leases, Audit.AuditLog? audit = null)
    : Proto.NamespaceService.NamespaceServiceBase
{
    public const string ClientIdHeader = "x-jindo-client-id";
    public const string CallIdHeader = "x-jindo-call-id";
    public const string RetryCacheTrailer = "jindo-retry-cache";
    private const ushort DefaultDirectoryPermission = 0x1FF; // 0777, masked by the umask
    private const ushort DefaultFilePermission = 0x1B6;      // 0666

    public override Task<Proto.FileStatusResponse> Mkdirs(Proto.MkdirsRequest request, ServerCallContext context) =>
        Submit(request.Namespace, context, "mkdirs", request.Path, null, caller => new MkdirsCommand(caller, request.Path,
            Mode(request.HasPermission ? request.Permission : DefaultDirectoryPermission), request.CreateParent, Umask(request.HasUmask, request.Umask)));

    public override async Task<Proto.FileStatusResponse> Create(Proto.CreateRequest request, ServerCallContext context)
    {
        var name = FindNamed(request.Namespace);
        var holder = LeaseHolder.Of(context, authentication.Authenticate(context));
        if (request.Overwrite && leases.FileAt(name, request.Path) is { } writing)
        {
            ThrowIf(leases.CheckOverwrite(name, writing, request.Path, holder));
        }

        var response = await Submit(request.Namespace, context, "create", request.Path, null, caller => new CreateFileCommand(caller, request.Path,
            Mode(request.HasPermission ? request.Permission : DefaultFilePermission), request.Overwrite, request.CreateParent,
            request.Replication == 0 ? settings.DefaultReplication : (short)Math.Clamp(request.Replication, short.MinValue, short.MaxValue),
            request.BlockSize == 0 ? settings.DefaultBlockSize : request.BlockSize, Umask(request.HasUmask, request.Umask))).ConfigureAwait(false);
        leases.Grant(name, response.Status.FileId, request.Path, holder);
        return response;
    }

    public override async Task<Proto.FileStatusResponse> Complete(Proto.CompleteRequest request, ServerCallContext context)
    {
        var name = FindNamed(request.Namespace);
        var holder = LeaseHolder.Of(context, authentication.Authenticate(context));
        var writing = leases.FileAt(name, request.Path);
        if (writing is { } fileId)
        {
            ThrowIf(leases.Claim(name, fileId, request.Path, holder));
        }

        var response = await Submit(request.Namespace, context, "complete", request.Path, null, caller => new CompleteFileCommand(caller, request.Path, request.Length,
            request.Blocks.Select(ProtoMapping.FromProto).ToArray())).ConfigureAwait(false);
        if (writing is { } closed)
        {
            leases.Release(name, closed);
        }

        return response;
    }

    public override async Task<Proto.FileStatusResponse> Append(Proto.AppendRequest request, ServerCallContext context)
    {
        var name = FindNamed(request.Namespace);
        var holder = LeaseHolder.Of(context, authentication.Authenticate(context));
        var response = await Submit(request.Namespace, context, "append", request.Path, null, caller => new AppendFileCommand(caller, request.Path)).ConfigureAwait(false);
        leases.Grant(name, response.Status.FileId, request.Path, holder);
        return response;
    }

    public override Task<Proto.FileStatusResponse> SetReplication(Proto.SetReplicationRequest request, ServerCallContext context) =>
        Submit(request.Namespace, context, "setReplication", request.Path, null, caller => new SetReplicationCommand(caller, request.Path,
            (short)Math.Clamp(request.Replication, short.MinValue, short.MaxValue)));

    public override async Task<Proto.DeleteResponse> Delete(Proto.DeleteRequest request, ServerCallContext context)
    {
        await Submit(request.Namespace, context, "delete", request.Path, null, caller => new DeleteCommand(caller, request.Path, request.Recursive)).ConfigureAwait(false);
        return new Proto.DeleteResponse();
    }

    public override Task<Proto.FileStatusResponse> Rename(Proto.RenameRequest request, ServerCallContext context) =>
        Submit(request.Namespace, context, "rename", request.Source, request.Destination, caller => new RenameCommand(caller, request.Source, request.Destination, request.Overwrite));

    public override Task<Proto.FileStatusResponse> SetPermission(Proto.SetPermissionRequest request, ServerCallContext context) =>
        Submit(request.Namespace, context, "setPermission", request.Path, null, caller => new SetPermissionCommand(caller, request.Path, Mode(request.Permission)));

    public override Task<Proto.FileStatusResponse> SetOwner(Proto.SetOwnerRequest request, ServerCallContext context) =>
        Submit(request.Namespace, context, "setOwner", request.Path, null, caller => new SetOwnerCommand(caller, request.Path,
            request.HasOwner ? request.Owner : null, request.HasGroup ? request.Group : null));

    public override Task<Proto.FileStatusResponse> SetTimes(Proto.SetTimesRequest request, ServerCallContext context) =>
        Submit(request.Namespace, context, "setTimes", request.Path, null, caller => new SetTimesCommand(caller, request.Path, request.ModificationTime, request.AccessTime));

    public override async Task<Proto.FileStatusResponse> GetFileInfo(Proto.GetFileInfoRequest request, ServerCallContext context)
    {
        var (backend, caller) = Begin(request.Namespace, context);
        var result = await backend.GetFileInfoAsync(request.Path, caller.Identity, context.CancellationToken).ConfigureAwait(false);
        // HDFS logs a getfileinfo of a missing path as allowed (its answer is null there, not an error).
        Audit(result.IsOk || result.Error!.Code == ErrorCode.FileNotFound, result, caller, "getfileinfo", request.Namespace, request.Path, null, null);
        var status = ErrorMapping.Unwrap(result);
        return new Proto.FileStatusResponse { Status = ProtoMapping.ToProto(status, request.IncludeBlocks) };
    }

    public override async Task<Proto.ListStatusResponse> ListStatus(Proto.ListStatusRequest request, ServerCallContext context)
    {
        var (backend, caller) = Begin(request.Namespace, context);
        var limit = request.Limit == 0 ? 1000 : request.Limit;
        var result = await backend.ListStatusAsync(
            request.Path, request.StartAfter.Length == 0 ? null : request.StartAfter, limit, caller.Identity, context.CancellationToken).ConfigureAwait(false);
        Audit(result.IsOk, result, caller, "listStatus", request.Namespace, request.Path, null, null);
        var listing = ErrorMapping.Unwrap(result);
        var response = new Proto.ListStatusResponse { HasMore = listing.HasMore, NextCursor = listing.NextCursor ?? "" };
        response.Entries.AddRange(listing.Entries.Select(e => ProtoMapping.ToProto(e, includeBlocks: false)));
        return response;
    }

    public override async Task<Proto.ContentSummaryResponse> GetContentSummary(Proto.GetContentSummaryRequest request, ServerCallContext context)
    {
        var (backend, caller) = Begin(request.Namespace, context);
        var result = await backend.GetContentSummaryAsync(request.Path, caller.Identity, context.CancellationToken).ConfigureAwait(false);
        Audit(result.IsOk, result, caller, "contentSummary", request.Namespace, request.Path, null, null);
        var summary = ErrorMapping.Unwrap(result);
        return new Proto.ContentSummaryResponse { DirectoryCount = summary.DirectoryCount, FileCount = summary.FileCount, Length = summary.Length };
    }

    /// <summary>The namespace's name (the only one's when the request names none), as leases key it.</summary>
    private string FindNamed(string namespaceName) => ErrorMapping.Unwrap(registry.FindNamed(namespaceName)).Name;

    private static void ThrowIf(NamespaceError? error)
    {
        if (error is not null)
        {
            throw ErrorMapping.ToRpcException(error);
        }
    }

    private ushort Umask(bool given, uint umask) => given ? Mode(umask) : settings.Umask;

    // Out-of-range values saturate (never wrap) so the engine rejects them by name instead of accepting a wrapped mode.
    private static ushort Mode(uint value) => (ushort)Math.Min(value, ushort.MaxValue);

    private async Task<Proto.FileStatusResponse> Submit(
        string namespaceName, ServerCallContext context, string auditCommand, string source, string? destination, Func<CallerIdentity, NamespaceCommand> command)
    {
        var (backend, caller) = Begin(namespaceName, context);
        var call = ClientCallOf(context.RequestHeaders);
        if (backend.RemembersCalls)
        {
            context.ResponseTrailers.Add(RetryCacheTrailer, "1"); // sent with errors too (Grpc.AspNetCore merges them)
        }

        var result = await backend.SubmitAsync(command(caller.Identity), call, context.CancellationToken).ConfigureAwait(false);
        Audit(result.IsOk, result, caller, auditCommand, namespaceName, source, destination, result.IsOk ? result.Value : null);
        var status = ErrorMapping.Unwrap(result);
        return new Proto.FileStatusResponse { Status = status is null ? null : ProtoMapping.ToProto(status, includeBlocks: false) };
    }

    /// <summary>The call's retry-cache identity from its headers: none when both are absent; a malformed or half pair is refused.</summary>
    internal static ClientCallId ClientCallOf(Metadata headers)
    {
        var clientText = headers.GetValue(ClientIdHeader);
        var callText = headers.GetValue(CallIdHeader);
        if (clientText is null && callText is null)
        {
            return ClientCallId.None;
        }

        if (clientText is null || !Guid.TryParseExact(clientText, "N", out var clientId) || clientId == Guid.Empty)
        {
            throw InvalidHeader($"The '{ClientIdHeader}' header must be 32 hex digits (a non-zero 16-byte client id), sent with '{CallIdHeader}'");
        }

        if (callText is null || !long.TryParse(callText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var callId))
        {
            throw InvalidHeader($"The '{CallIdHeader}' header must be a non-negative decimal number, sent with '{ClientIdHeader}'");
        }

        return new ClientCallId(clientId, callId);

        static RpcException InvalidHeader(string message) => new(new Status(StatusCode.InvalidArgument, message));
    }

    /// <summary>The one place a call's identity and namespace are decided.</summary>
    private (INamespaceBackend Backend, AuthenticatedCaller Caller) Begin(string namespaceName, ServerCallContext context)
    {
        var caller = authentication.Authenticate(context);
        return (ErrorMapping.Unwrap(registry.Find(namespaceName)), caller);
    }

    /// <summary>One audit line: successes as allowed, permission denials as denied, other failures not at all (as HDFS).</summary>
    private void Audit<T>(bool allowed, Result<T> result, AuthenticatedCaller caller, string command, string namespaceName, string source, string? destination, FileStatus? status)
    {
        if (audit is null)
        {
            return;
        }

        if (allowed)
        {
            // HDFS records the resulting entry's owner, group and mode for these (FSNamesystem passes their auditStat).
            var withPermission = command is "mkdirs" or "create" or "rename" or "setPermission" or "setOwner" or "setTimes";
            audit.Record(true, caller, command, namespaceName, source, destination, withPermission ? status : null);
        }
        else if (result.Error?.Code == ErrorCode.AccessDenied)
        {
            audit.Record(false, caller, command, namespaceName, source, destination, null);
        }
    }
}
