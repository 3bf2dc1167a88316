namespace JindoMeta.Raft;

/// <summary>The leader's view of one follower (Raft paper figure 2: nextIndex and matchIndex) plus flow control.</summary>
public sealed class Progress
{
    internal Progress(ulong next, int maxInflight)
    {
        Next = next;
        Inflights = new Inflights(maxInflight);
    }

    /// <summary>Highest index known to be replicated on the follower.</summary>
    public ulong Match { get; internal set; }

    /// <summary>Index of the next entry to send.</summary>
    public ulong Next { get; internal set; }

    public ProgressState State { get; private set; }

    /// <summary>In snapshot state: the index of the snapshot being sent.</summary>
    public ulong PendingSnapshot { get; private set; }

    /// <summary>Heard from within the current election timeout (for CheckQuorum).</summary>
    public bool RecentActive { get; internal set; }

    /// <summary>Probe state: one append is outstanding; wait for its answer or a heartbeat response.</summary>
    internal bool ProbeSent { get; set; }

    internal Inflights Inflights { get; }

    /// <summary>Snapshot state: the snapshot being streamed and the byte offset the follower expects next.</summary>
    internal Snapshot? SnapshotInFlight { get; private set; }

    internal ulong SnapshotOffset { get; set; }

    public bool IsPaused => State switch
    {
        ProgressState.Probe => ProbeSent,
        ProgressState.Replicate => Inflights.IsFull,
        _ => true,
    };

    private void ResetState(ProgressState state)
    {
        ProbeSent = false;
        PendingSnapshot = 0;
        SnapshotInFlight = null;
        SnapshotOffset = 0;
        State = state;
        Inflights.Reset();
    }

    public void BecomeProbe()
    {
        if (State == ProgressState.Snapshot)
        {
            var pending = PendingSnapshot;
            ResetState(ProgressState.Probe);
            Next = Math.Max(Match + 1, pending + 1);
        }
        else
        {
            ResetState(ProgressState.Probe);
            Next = Match + 1;
        }
    }

    public void BecomeReplicate()
    {
        ResetState(ProgressState.Replicate);
        Next = Match + 1;
    }

    internal void BecomeSnapshot(Snapshot snapshot)
    {
        ResetState(ProgressState.Snapshot);
        PendingSnapshot = snapshot.Index;
        SnapshotInFlight = snapshot;
    }

    /// <summary>The follower acknowledged <paramref name="index"/>.</summary>
    /// <returns>True if this moved the match point forward.</returns>
    internal bool MaybeUpdate(ulong index)
    {
        var updated = false;
        if (Match < index)
        {
            Match = index;
            updated = true;
            ProbeSent = false;
        }

        Next = Math.Max(Next, index + 1);
        return updated;
    }

    /// <summary>The follower rejected an append at <paramref name="rejected"/> and suggested probing from
    /// <paramref name="matchHint"/>.</summary>
    /// <returns>False if the rejection is stale (answers an older append) and must be ignored.</returns>
    internal bool MaybeDecreaseTo(ulong rejected, ulong matchHint)
    {
        if (State == ProgressState.Replicate)
        {
            if (rejected <= Match)
            {
                return false;
            }

            Next = Match + 1;
            return true;
        }

        if (Next - 1 != rejected)
        {
            return false;
        }

        Next = Math.Max(Math.Min(rejected, matchHint + 1), Match + 1);
        ProbeSent = false;
        return true;
    }

    /// <summary>Records an append just sent with <paramref name="count"/> entries ending at <paramref name="lastIndex"/>.</summary>
    internal void OnEntriesSent(int count, ulong lastIndex)
    {
        switch (State)
        {
            case ProgressState.Replicate:
                if (count > 0)
                {
                    Next = lastIndex + 1;
                    Inflights.Add(lastIndex);
                }

                break;
            case ProgressState.Probe:
                ProbeSent = true;
                break;
            default:
                throw new InvalidOperationException($"Sending entries in state {State} is a bug.");
        }
    }

    public override string ToString() => $"{State} match={Match} next={Next}" + (State == ProgressState.Snapshot ? $" snapshot={PendingSnapshot}@{SnapshotOffset}" : "") + (IsPaused ? " paused" : "");
}
