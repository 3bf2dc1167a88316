namespace JindoMeta.Raft;

public sealed partial class RaftNode
{
    private readonly List<Entry> _sendScratch = [];
    private Entry[] _sharedEntries = [];
    private IncomingSnapshot? _incomingSnapshot;

    /// <summary>Leader: appends entries of the current term to its own log and counts itself as having them.</summary>
    /// <remarks>Counting itself before the entries are persisted is safe because the driver persists a Ready's
    /// entries before it sends the Ready's messages, so no follower acknowledgement can arrive earlier.</remarks>
    private void AppendEntries(IReadOnlyList<Entry> entries)
    {
        var last = _log.Append(entries);
        _tracker.Get(Id)!.MaybeUpdate(last);
        MaybeCommit();
    }

    /// <summary>§5.3/§5.4.2: advance the commit index to the highest index stored on a majority, but only if that
    /// entry is from the current term.</summary>
    private bool MaybeCommit()
    {
        if (!_log.MaybeCommit(_tracker.QuorumMatchIndex(), Term))
        {
            return false;
        }

        ReleaseReadsAwaitingCommit();
        return true;
    }

    private void BroadcastAppend()
    {
        foreach (var voter in _tracker.Voters)
        {
            if (voter != Id)
            {
                SendAppend(voter, sendIfEmpty: true);
            }
        }
    }

    private void BroadcastHeartbeat(ulong context)
    {
        foreach (var voter in _tracker.Voters)
        {
            if (voter == Id)
            {
                continue;
            }

            var progress = _tracker.Get(voter)!;

            // The follower may not have entries up to our commit index yet; tell it only what it is known to hold.
            Send(new Message
            {
                Type = MessageType.Heartbeat,
                From = Id,
                To = voter,
                Term = Term,
                Commit = Math.Min(progress.Match, _log.Committed),
                Context = context,
            });
        }
    }

    /// <summary>Sends the next batch of entries to <paramref name="to"/> if flow control allows.</summary>
    /// <returns>True if a message was sent.</returns>
    private bool SendAppend(ulong to, bool sendIfEmpty, bool probeWhenFull = false)
    {
        var progress = _tracker.Get(to)!;
        var emptyProbe = false;
        if (progress.IsPaused)
        {
            if (!probeWhenFull || progress.State != ProgressState.Replicate)
            {
                return false;
            }

            // The whole inflight window may have been lost (a follower restart, dropped messages). An empty append at
            // Next - 1 either confirms the follower has it all or is rejected, which drops the leader back to probing.
            emptyProbe = true;
        }

        var previousIndex = progress.Next - 1;
        var termStatus = _log.Term(previousIndex, out var previousTerm);
        _sendScratch.Clear();
        var entriesStatus = emptyProbe ? StorageStatus.Ok : _log.EntriesFrom(progress.Next, _options.MaxMessageBytes, _sendScratch);
        if (termStatus == StorageStatus.Compacted || entriesStatus == StorageStatus.Compacted)
        {
            return StartSnapshot(to, progress);
        }

        if (termStatus != StorageStatus.Ok || entriesStatus != StorageStatus.Ok)
        {
            throw new InvalidOperationException($"Raft log read failed while replicating to {to}: term {termStatus}, entries {entriesStatus} at {progress.Next}.");
        }

        if (_sendScratch.Count == 0 && !sendIfEmpty)
        {
            return false;
        }

        var entries = SharedEntries(progress.Next);
        Send(new Message
        {
            Type = MessageType.Append,
            From = Id,
            To = to,
            Term = Term,
            Index = previousIndex,
            LogTerm = previousTerm,
            Entries = entries,
            Commit = _log.Committed,
        });
        if (!emptyProbe)
        {
            progress.OnEntriesSent(entries.Length, entries.Length > 0 ? entries[^1].Index : previousIndex);
        }

        return true;
    }

    /// <summary>The entries just read for <paramref name="from"/>, as an array shared by every follower that needs the
    /// same range: in steady state all followers get the same new entries, and messages are immutable.</summary>
    private Entry[] SharedEntries(ulong from)
    {
        if (_sendScratch.Count == 0)
        {
            return [];
        }

        var last = _sendScratch[^1];
        if (_sharedEntries.Length == _sendScratch.Count && _sharedEntries[0].Index == from && _sharedEntries[^1] == last)
        {
            // Same range, same last (index, term): by log matching the same entries.
            return _sharedEntries;
        }

        _sharedEntries = _sendScratch.ToArray();
        return _sharedEntries;
    }

    private bool StartSnapshot(ulong to, Progress progress)
    {
        if (!progress.RecentActive)
        {
            // Do not stream a snapshot to a node that may be down; wait until it answers a heartbeat.
            return false;
        }

        var status = _log.Snapshot(out var snapshot);
        if (status == StorageStatus.SnapshotTemporarilyUnavailable)
        {
            return false;
        }

        if (status != StorageStatus.Ok || snapshot.IsEmpty)
        {
            throw new InvalidOperationException($"Raft log is compacted below {progress.Next} but storage has no snapshot ({status}).");
        }

        progress.BecomeSnapshot(snapshot);
        SendSnapshotChunk(to, progress);
        return true;
    }

    private void SendSnapshotChunk(ulong to, Progress progress)
    {
        var snapshot = progress.SnapshotInFlight!;
        var offset = progress.SnapshotOffset;
        var size = snapshot.Data.Length;
        if (offset > size)
        {
            return;
        }

        // One chunk read from storage per call, synchronously on the driver loop: bounded by MaxSnapshotChunkBytes
        // (1 MiB, about a millisecond from the page cache), and only one chunk is in flight per follower.
        var length = (int)Math.Min((ulong)_options.MaxSnapshotChunkBytes, size - offset);
        if (!snapshot.Data.TryRead(offset, length, out var chunk))
        {
            // Storage replaced this snapshot with a newer one (and dropped the old bytes) while we streamed it. Probing
            // again finds the log compacted and starts the newer snapshot; the follower discards the partial one.
            progress.BecomeProbe();
            return;
        }

        Send(new Message
        {
            Type = MessageType.SnapshotChunk,
            From = Id,
            To = to,
            Term = Term,
            Index = snapshot.Index,
            SnapshotMetadata = snapshot.Metadata,
            ChunkOffset = offset,
            SnapshotSize = size,
            ChunkData = chunk,
        });
    }

    private void HandleAppend(Message message)
    {
        if (message.Index < _log.Committed)
        {
            // Everything up to our commit index already matches the leader (log matching property).
            Send(new Message { Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term, Index = _log.Committed });
            return;
        }

        // §5.3: "If a follower's log is inconsistent with the leader's, the AppendEntries consistency check will fail".
        if (_log.MaybeAppend(message.Index, message.LogTerm, message.Commit, message.Entries) is { } lastNew)
        {
            Send(new Message { Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term, Index = lastNew });
            return;
        }

        // Fast back-off: suggest the last index whose term could match, skipping whole terms at once.
        var (hintIndex, hintTerm) = _log.FindConflictByTerm(Math.Min(message.Index, _log.LastIndex), message.LogTerm);
        Send(new Message
        {
            Type = MessageType.AppendResponse,
            From = Id,
            To = message.From,
            Term = Term,
            Index = message.Index,
            Reject = true,
            RejectHint = hintIndex,
            LogTerm = hintTerm,
        });
    }

    private void HandleHeartbeat(Message message)
    {
        _log.CommitTo(Math.Min(message.Commit, _log.LastIndex));
        Send(new Message { Type = MessageType.HeartbeatResponse, From = Id, To = message.From, Term = Term, Context = message.Context });
    }

    private void HandleAppendResponse(Message message, Progress progress)
    {
        progress.RecentActive = true;
        if (message.Reject)
        {
            var nextProbe = message.RejectHint;
            if (message.LogTerm > 0)
            {
                // The follower's entry at RejectHint has term LogTerm: no entry of ours above our last entry with a term
                // at most LogTerm can match, so jump there directly.
                nextProbe = _log.FindConflictByTerm(message.RejectHint, message.LogTerm).Index;
            }

            if (progress.MaybeDecreaseTo(message.Index, nextProbe))
            {
                if (progress.State == ProgressState.Replicate)
                {
                    progress.BecomeProbe();
                }

                SendAppend(message.From, sendIfEmpty: true);
            }

            return;
        }

        var wasPaused = progress.IsPaused;
        if (!progress.MaybeUpdate(message.Index))
        {
            return;
        }

        switch (progress.State)
        {
            case ProgressState.Probe:
                progress.BecomeReplicate();
                break;
            case ProgressState.Snapshot when progress.Match >= progress.PendingSnapshot:
                progress.BecomeProbe();
                progress.BecomeReplicate();
                break;
            case ProgressState.Replicate:
                progress.Inflights.FreeLessOrEqual(message.Index);
                break;
            default:
                break;
        }

        if (MaybeCommit())
        {
            BroadcastAppend();
        }
        else if (wasPaused)
        {
            SendAppend(message.From, sendIfEmpty: true);
        }

        // Keep the pipe full: send whatever the inflight window now allows.
        while (SendAppend(message.From, sendIfEmpty: false))
        {
        }

        if (message.From == _leadTransferee && progress.Match == _log.LastIndex)
        {
            SendTimeoutNow(message.From);
        }
    }

    private void HandleHeartbeatResponse(Message message, Progress progress)
    {
        progress.RecentActive = true;
        progress.ProbeSent = false;
        if (progress.State == ProgressState.Snapshot)
        {
            // Chunks are sent one at a time; a heartbeat round retransmits one that may have been lost.
            SendSnapshotChunk(message.From, progress);
        }
        else if (progress.Match < _log.LastIndex)
        {
            SendAppend(message.From, sendIfEmpty: true, probeWhenFull: true);
        }

        if (message.Context != 0)
        {
            AcknowledgeRead(message.Context, message.From);
        }
    }

    private void HandleSnapshotChunkResponse(Message message, Progress progress)
    {
        progress.RecentActive = true;
        if (progress.State != ProgressState.Snapshot || message.Index != progress.PendingSnapshot)
        {
            return;
        }

        var size = progress.SnapshotInFlight!.Data.Length;
        if (message.RejectHint >= size && size > 0)
        {
            return;
        }

        // A rejection moves the stream back (the follower lost its buffer or missed a chunk); an acknowledgement only
        // moves it forward, so duplicated acknowledgements do not duplicate chunks.
        if (message.Reject || message.RejectHint > progress.SnapshotOffset)
        {
            progress.SnapshotOffset = message.RejectHint;
            SendSnapshotChunk(message.From, progress);
        }
    }

    private void HandleSnapshotChunk(Message message)
    {
        var metadata = message.SnapshotMetadata!;
        var incoming = _incomingSnapshot;
        if (incoming is null || incoming.Metadata.Index != metadata.Index || incoming.Metadata.Term != metadata.Term)
        {
            if (message.ChunkOffset != 0)
            {
                // We lost the earlier chunks (restart) or they belong to another snapshot: ask for the start.
                Send(new Message { Type = MessageType.SnapshotChunkResponse, From = Id, To = message.From, Term = Term, Index = metadata.Index, Reject = true, RejectHint = 0 });
                return;
            }

            if (metadata.Index <= _log.Committed)
            {
                // We already hold everything the snapshot covers.
                Send(new Message { Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term, Index = _log.Committed });
                return;
            }

            // Storage provides the sink (a file for a store on disk), so the snapshot is never assembled in memory.
            DiscardIncomingSnapshot();
            incoming = new IncomingSnapshot(metadata, message.SnapshotSize, _options.Storage.CreateSnapshotSink(metadata, message.SnapshotSize));
            _incomingSnapshot = incoming;
        }

        if (message.SnapshotSize != incoming.Length)
        {
            // Same snapshot id but a different size: not a chunk of the stream we are assembling.
            return;
        }

        if (message.ChunkOffset != incoming.Received)
        {
            // A gap (a lost chunk) is rejected; a chunk we already hold (duplicate or retransmission after a lost
            // acknowledgement) is answered with a plain acknowledgement of what we have.
            Send(new Message
            {
                Type = MessageType.SnapshotChunkResponse,
                From = Id,
                To = message.From,
                Term = Term,
                Index = metadata.Index,
                Reject = message.ChunkOffset > incoming.Received,
                RejectHint = incoming.Received,
            });
            return;
        }

        incoming.Sink.Write(message.ChunkData.Span);
        incoming.Received += (ulong)message.ChunkData.Length;
        if (incoming.Received < incoming.Length)
        {
            Send(new Message { Type = MessageType.SnapshotChunkResponse, From = Id, To = message.From, Term = Term, Index = metadata.Index, RejectHint = incoming.Received });
            return;
        }

        _incomingSnapshot = null;
        var data = incoming.Sink.Complete(out var refusal);
        incoming.Sink.Dispose();
        if (data is null)
        {
            // Damaged or truncated in transit (the sink checked it): never installed; the old state stays, and the
            // leader streams the snapshot again from the start.
            LastSnapshotRefusal = $"snapshot {metadata.Term}/{metadata.Index} from {message.From} refused: {refusal}";
            Send(new Message { Type = MessageType.SnapshotChunkResponse, From = Id, To = message.From, Term = Term, Index = metadata.Index, Reject = true, RejectHint = 0 });
            return;
        }

        var restored = RestoreSnapshot(new Snapshot(metadata, data));
        Send(new Message { Type = MessageType.AppendResponse, From = Id, To = message.From, Term = Term, Index = restored ? _log.LastIndex : _log.Committed });
    }

    /// <summary>Why the last snapshot received from a leader was refused (null if none was): for diagnostics.</summary>
    public string? LastSnapshotRefusal { get; private set; }

    private void DiscardIncomingSnapshot()
    {
        _incomingSnapshot?.Sink.Dispose();
        _incomingSnapshot = null;
    }

    /// <summary>Installs a complete snapshot from the leader unless our log already covers it.</summary>
    private bool RestoreSnapshot(Snapshot snapshot)
    {
        if (snapshot.Index <= _log.Committed)
        {
            return false;
        }

        if (_log.MatchTerm(snapshot.Index, snapshot.Term))
        {
            // Our log already contains the snapshot's last entry, hence (log matching) everything before it.
            _log.CommitTo(snapshot.Index);
            return false;
        }

        _log.Restore(snapshot);
        return true;
    }

    private sealed class IncomingSnapshot(SnapshotMetadata metadata, ulong length, SnapshotSink sink)
    {
        public SnapshotMetadata Metadata { get; } = metadata;

        public ulong Length { get; } = length;

        public SnapshotSink Sink { get; } = sink;

        public ulong Received { get; set; }
    }
}
