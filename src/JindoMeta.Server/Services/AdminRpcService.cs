using Grpc.Core;
using JindoMeta.Namespace.Backend;
using JindoMeta.Server.Hosting;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Security;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Services;

/// <summary>jindometa.v1.AdminService: what `jindo jfs -metaStatus [-detail]` shows, and `-transferLeader`.</summary>
public sealed class AdminRpcService(NamespaceRegistry registry, CallerAuthentication authentication, ServerSettings settings, AdvertisedAddress advertised,
    ReplicaJobs<INamespaceUpload>? uploaders = null, ReplicaJobs<INamespaceRecovery>? recoveries = null)
    : Proto.AdminService.AdminServiceBase
{
    /// <summary>Long enough for the target to catch up and win an election (about two election timeouts), short
    /// enough that an operator learns of a stuck target quickly.</summary>
    public static readonly TimeSpan TransferTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Upload is off: there is no replica to be in sync with.</summary>
    public const string NoUploader = "n/a";

    public override Task<Proto.MetaStatusResponse> MetaStatus(Proto.MetaStatusRequest request, ServerCallContext context) =>
        Task.FromResult(MetaStatus(request.Detail));

    public override async Task<Proto.TransferLeadershipResponse> TransferLeadership(Proto.TransferLeadershipRequest request, ServerCallContext context)
    {
        RequireSuperUser(context, "transfer leadership");
        var backend = ErrorMapping.Unwrap(registry.Find(request.Namespace));
        if (backend is not ILeadershipTransfer transfer)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition,
                $"The {backend.BackendType} backend has no leader to transfer; only namespace.backend.type = raft elects one"));
        }

        var moved = ErrorMapping.Unwrap(await transfer.TransferLeadershipAsync(request.Target, TransferTimeout, context.CancellationToken).ConfigureAwait(false));
        return new Proto.TransferLeadershipResponse { Leader = moved.Leader, Term = moved.Term };
    }

    /// <summary>How long the uploader may take to reach a still point for a verification.</summary>
    public static readonly TimeSpan VerifyHoldTimeout = TimeSpan.FromSeconds(30);

    public override async Task<Proto.VerifyReplicaResponse> VerifyReplica(Proto.VerifyReplicaRequest request, ServerCallContext context)
    {
        RequireSuperUser(context, "verify the replica");
        if (request.Namespace.Length > 0)
        {
            _ = ErrorMapping.Unwrap(registry.Find(request.Namespace)); // an unknown name is 25xxx namespace-not-found
        }

        var names = request.Namespace.Length > 0 ? [request.Namespace] : registry.Backends.Keys.Order(StringComparer.Ordinal).ToArray();
        var response = new Proto.VerifyReplicaResponse();
        foreach (var name in names)
        {
            var comparison = await VerifyAsync(name, context.CancellationToken).ConfigureAwait(false);
            var entry = new Proto.ReplicaComparison
            {
                Namespace = name,
                Table = comparison.Table,
                Index = comparison.Index,
                LocalRows = comparison.LocalRows,
                ReplicaRows = comparison.ReplicaRows,
                LocalChecksum = comparison.LocalChecksum,
                ReplicaChecksum = comparison.ReplicaChecksum,
                DifferenceCount = comparison.DifferenceCount,
            };
            entry.Differences.AddRange(comparison.Differences);
            response.Namespaces.Add(entry);
        }

        return response;
    }

    /// <summary>Through the uploader (it holds still at the compared index), or against a finished recovery's replica.</summary>
    private async Task<Replication.ReplicaComparison> VerifyAsync(string name, CancellationToken cancellationToken)
    {
        try
        {
            if (uploaders?.ByNamespace.GetValueOrDefault(name) is { } uploader)
            {
                return await uploader.VerifyAsync(VerifyHoldTimeout, cancellationToken).ConfigureAwait(false);
            }

            if (recoveries?.ByNamespace.GetValueOrDefault(name) is { } recovery && registry.Backends[name] is IReplicaSource source)
            {
                if (recovery.GetStatus().State != "FINISH")
                {
                    throw new InvalidOperationException($"The recovery of namespace {name} is {recovery.GetStatus().State}: verify once metaStatus shows state=FINISH");
                }

                using var snapshot = source.OpenSnapshot();
                return await Replication.ReplicaVerifier.CompareAsync(snapshot, recovery.Client, recovery.Table, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (InvalidOperationException e)
        {
            throw new RpcException(new Status(StatusCode.FailedPrecondition, $"namespace {name}: {e.Message}"));
        }

        throw new RpcException(new Status(StatusCode.FailedPrecondition,
            $"namespace {name} has no replica here to verify: turn on {ConfigKeys.RocksDbAsyncOts} (or ask the node that uploads), or verify a recovery once it finished"));
    }

    private void RequireSuperUser(ServerCallContext context, string action)
    {
        var caller = authentication.Authenticate(context).Identity;
        if (!settings.Permissions.IsSuperUser(caller))
        {
            throw new RpcException(new Status(StatusCode.PermissionDenied,
                $"Permission denied: user={caller.User} may not {action}; only the superuser ({settings.Permissions.SuperUser}) or members of {settings.Permissions.SuperGroup} may"));
        }
    }

    /// <summary>Recovery's part of `-metaStatus`: its progress always, the rest with -detail (CLI README).</summary>
    private static void AddRecovery(Proto.NamespaceStatus entry, Replication.RecoveryStatus recovery, bool detail)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        entry.Properties["recovery.progress"] = string.Create(culture, $"{recovery.RowsLoaded}/{recovery.RowsEstimated}({recovery.Percent}%)");
        if (recovery.State == "FAILED")
        {
            foreach (var node in entry.Nodes)
            {
                node.State = "FAILED";
            }
        }

        if (!detail)
        {
            return;
        }

        entry.Properties["recovery.table"] = recovery.Table;
        entry.Properties["recovery.state"] = recovery.State;
        entry.Properties["recovery.rows"] = recovery.RowsLoaded.ToString(culture);
        entry.Properties["recovery.rowsEstimated"] = recovery.RowsEstimated.ToString(culture);
        entry.Properties["recovery.checkpoint"] = recovery.Checkpoint.ToString(culture);
        entry.Properties["recovery.rangesLeft"] = recovery.RangesLeft.ToString(culture);
        entry.Properties["recovery.lastError"] = recovery.LastError ?? "none";
    }

    /// <summary>The uploader's part of `-metaStatus -detail` (CLI README).</summary>
    private static void AddUploadDetail(Proto.NamespaceStatus entry, Replication.UploadStatus upload)
    {
        var culture = System.Globalization.CultureInfo.InvariantCulture;
        entry.Properties["upload.table"] = upload.Table;
        entry.Properties["upload.state"] = upload.State;
        entry.Properties["upload.checkpoint"] = upload.Checkpoint.ToString(culture);
        entry.Properties["upload.lagEntries"] = upload.LagEntries.ToString(culture);
        entry.Properties["upload.lagSeconds"] = upload.LagSeconds.ToString("F3", culture);
        entry.Properties["upload.lastError"] = upload.LastError ?? "none";
        entry.Properties["upload.snapshot"] = string.Create(culture, $"{upload.SnapshotRows}/{upload.SnapshotRowsEstimated}");
    }

    private Proto.MetaStatusResponse MetaStatus(bool detail)
    {
        var response = new Proto.MetaStatusResponse { BackendType = settings.BackendType };
        foreach (var (name, backend) in registry.Backends.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            var status = backend.GetStatus();
            var entry = new Proto.NamespaceStatus { Name = name, BackendType = status.BackendType, LeaderAddress = status.LeaderClientAddress ?? "" };
            if (status.Nodes is { } nodes)
            {
                entry.Nodes.AddRange(nodes.Select(n => new Proto.NodeStatus { Address = n.Address, Role = n.Role, State = n.State, LastCommittedIndex = n.LastIndex }));
            }
            else
            {
                entry.Nodes.Add(new Proto.NodeStatus
                {
                    Address = advertised.Value,
                    Role = status.Role,
                    State = status.State,
                    LastCommittedIndex = status.LastCommittedIndex,
                });
            }
            if (recoveries?.ByNamespace.GetValueOrDefault(name)?.GetStatus() is { } recovery)
            {
                AddRecovery(entry, recovery, detail);
            }

            if (status.BackendType == "ots" && status.Detail.TryGetValue("epoch", out var epoch))
            {
                entry.Properties["epoch"] = epoch; // the lease epoch: which term of which server is active
            }

            var upload = uploaders?.ByNamespace.GetValueOrDefault(name)?.GetStatus();
            entry.Properties["_synced"] = upload is null ? NoUploader : upload.Synced ? "1" : "0";
            if (upload is { State: not LeaderOnlyUpload.Standby } && status.Nodes is not null && status.Role == "LEADER")
            {
                // raft: the leader uploads, and its own line is the one LEADER line of its view.
                foreach (var node in entry.Nodes.Where(n => n.Role == "LEADER"))
                {
                    node.Synced = upload.Synced ? "1" : "0";
                }
            }

            if (detail)
            {
                foreach (var (key, value) in status.Detail)
                {
                    entry.Properties[key] = value;
                }

                if (upload is not null)
                {
                    AddUploadDetail(entry, upload);
                }
            }

            response.Namespaces.Add(entry);
        }

        return response;
    }
}
