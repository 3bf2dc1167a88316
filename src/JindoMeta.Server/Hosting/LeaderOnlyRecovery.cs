using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Backend;
using JindoMeta.Replication;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// A raft namespace's recovery mode: its <see cref="ReplicaRecovery"/> runs only while this node leads (the loop:
/// <see cref="LeaderOnlyLoop{TRun}"/>) and loads the replica through the raft log (the backend's
/// <see cref="IRecoveryTarget"/>), so every node ends with the same state:
/// <list type="number">
/// <item>leading, nothing running: <see cref="RaftNamespaceBackend.AwaitLeadAppliedAsync"/> (every entry committed
/// before this term applied here, so the replicated progress record is the newest an earlier leader left), then a new
/// recovery, which resumes from that record (or finds the state finished);</item>
/// <item>running for another term, or not leading: stop it (a load in flight may still commit, its rows with its
/// progress record; the next leader resumes from whichever record applied last);</item>
/// <item>its recovery stopped as <see cref="ReplicaRecovery.Standby"/> (a write refused: leadership moved, or a transfer
/// was in progress) while this node still leads: start it again the next round. FAILED stays, loudly.</item>
/// </list>
/// A node that does not lead reports the replicated progress; `jindo jfs -metaStatus` asks the leader.
/// </summary>
public sealed class LeaderOnlyRecovery : LeaderOnlyLoop<ReplicaRecovery>, INamespaceRecovery
{
    private readonly ReplicaRecoveryOptions _options;
    private readonly ILogger _logger;

    private LeaderOnlyRecovery(RaftNamespaceBackend backend, TableStoreClient client, ReplicaRecoveryOptions options, ILogger logger)
        : base(backend, options.Secrets)
    {
        Client = client;
        _options = options;
        _logger = logger;
    }

    public string Table => _options.TableName;

    public TableStoreClient Client { get; }

    public static LeaderOnlyRecovery Start(RaftNamespaceBackend backend, TableStoreClient client, ReplicaRecoveryOptions options, ILogger logger)
    {
        var recovery = new LeaderOnlyRecovery(backend, client, options, logger);
        recovery.StartLoop();
        return recovery;
    }

    public RecoveryStatus GetStatus()
    {
        if (Running is { } running)
        {
            return running.GetStatus();
        }

        // Not recovering here: the replicated state says how far the leader got.
        var plan = Backend.RecoveryProgress is { } progress ? RecoveryPlan.Decode(progress) : null;
        var finished = Backend.RecoveryStage == RecoveryStage.Finished;
        var state = finished ? "FINISH" : Backend.LeadershipTerm is null ? ReplicaRecovery.Standby : "STARTING";
        var checkpoint = plan?.Checkpoint ?? (finished ? Backend.RecoveredFrom?.ChangeIndex : null) ?? 0;
        return new RecoveryStatus(Table, state, plan?.RowsLoaded ?? 0, plan?.EstimatedRows ?? 0, checkpoint, plan?.Ranges.Count(r => !r.Done) ?? 0, StartError);
    }

    protected override async Task<ReplicaRecovery?> StartRunAsync(ulong term, CancellationToken cancellationToken)
    {
        var lead = await Backend.AwaitLeadAppliedAsync(cancellationToken).ConfigureAwait(false);
        if (!lead.IsOk || lead.Value != term)
        {
            return null; // leadership moved meanwhile: the next round sees where
        }

        RecoveryHostingLog.Leading(_logger, _options.Namespace, term, Table);
        var recovery = new ReplicaRecovery(Backend, Client, _options, _logger);
        recovery.Start();
        return recovery;
    }

    protected override async Task<ReplicaRecovery?> CheckRunAsync(ReplicaRecovery run, ulong term, CancellationToken cancellationToken)
    {
        if (!run.Completion.IsCompleted || run.GetStatus().State != ReplicaRecovery.Standby)
        {
            return run;
        }

        RecoveryHostingLog.Restarting(_logger, _options.Namespace, term);
        await run.DisposeAsync().ConfigureAwait(false);
        return null;
    }

    protected override async ValueTask StopRunAsync(ReplicaRecovery run, string reason)
    {
        await run.DisposeAsync().ConfigureAwait(false);
        RecoveryHostingLog.Standing(_logger, _options.Namespace, reason);
    }

    protected override void StartFailed(string error) => RecoveryHostingLog.NotStarted(_logger, _options.Namespace, error);
}
