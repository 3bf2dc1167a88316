using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Backend;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>What applying a recovery entry did: whether it took effect, and the stage the state was in before it.</summary>
public sealed record RecoveryEntryOutcome(bool Applied, RecoveryStage Found);

/// <summary>
/// Recovery mode's replicated side: the leader's loads and its finish are entries (<see cref="RecoveryLoadEntry"/>,
/// <see cref="RecoveryFinishEntry"/>) staged by every node in the entry's batch, so the recovery's stage, progress
/// record and origin are replicated state, the same on every node, in snapshots and checksums.
/// </summary>
public sealed partial class NamespaceStateMachine
{
    // Driver loop only: the entry being applied finishes a recovery (set when it is staged, taken once it is written).
    private bool _finishingRecovery;
    private ulong _recoveryFinishedAt;

    /// <summary>Where the replicated state stands with respect to recovery mode (<see cref="NamespaceStore.ReadRecoveryStage"/>).</summary>
    public RecoveryStage RecoveryStage => UnderReadLock(_ => _store.ReadRecoveryStage());

    /// <summary>The progress record of the last load applied, null before the first and after the finish.</summary>
    public byte[]? RecoveryProgress => UnderReadLock(_ => _store.ReadRecoveryProgress());

    /// <summary>The replica this state was recovered from, null when it was not.</summary>
    public ReplicaOrigin? RecoveredFrom => UnderReadLock(_ => _store.ReadRecoveredFrom());

    /// <summary>
    /// A raft index at or after the entry that finished the recovery (that entry's, when applied since this machine
    /// opened; else the applied index found at open or restore), 0 while none finished: a follower whose log reaches it
    /// holds the finish.
    /// </summary>
    public ulong RecoveryFinishedAt => Volatile.Read(ref _recoveryFinishedAt);

    private void ReadRecoveryFinish() =>
        Volatile.Write(ref _recoveryFinishedAt, _store.ReadRecoveryStage() == RecoveryStage.Finished ? _appliedIndex : 0);

    /// <summary>Stages a load while the state is empty or loading (any other stage: nothing).</summary>
    private RecoveryEntryOutcome StageRecoveryLoad(Entry entry, ulong applied, RecoveryLoadEntry load)
    {
        var stage = ReadStageForApply(entry, applied);
        if (stage is not (RecoveryStage.Empty or RecoveryStage.Loading))
        {
            return new RecoveryEntryOutcome(Applied: false, stage);
        }

        _store.StageRecoveryRows(_batch, load.Rows, load.Progress);
        return new RecoveryEntryOutcome(Applied: true, stage);
    }

    /// <summary>
    /// Stages the finish of a loading state (the feed then continues after the origin's index). A state already finished
    /// from this very origin counts as applied and is left as it is (the same finish, proposed again after a lost reply).
    /// </summary>
    private RecoveryEntryOutcome StageRecoveryFinish(Entry entry, ulong applied, RecoveryFinishEntry finish, ref long changeIndex)
    {
        var origin = new ReplicaOrigin(finish.StoreId, finish.ChangeIndex);
        var stage = ReadStageForApply(entry, applied);
        if (stage != RecoveryStage.Loading)
        {
            return new RecoveryEntryOutcome(stage == RecoveryStage.Finished && _store.ReadRecoveredFrom() == origin, stage);
        }

        _store.StageFinishRecovery(_batch, origin);
        changeIndex = finish.ChangeIndex;
        _finishingRecovery = true;
        return new RecoveryEntryOutcome(Applied: true, stage);
    }

    private RecoveryStage ReadStageForApply(Entry entry, ulong applied)
    {
        try
        {
            return _store.ReadRecoveryStage();
        }
        catch (InvalidDataException e)
        {
            throw Stop($"Applying raft entry {entry.Index} (a recovery entry) failed: {e.Message} The state machine stopped at applied index {applied}.", e);
        }
    }
}
