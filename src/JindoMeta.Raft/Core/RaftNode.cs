namespace JindoMeta.Raft;

/// <summary>
/// The raft consensus core for one node: a pure state machine with no threads, timers, sockets or disk.
/// It is driven by <see cref="Tick"/>, <see cref="Step"/>, <see cref="Propose(IReadOnlyList{byte[]})"/>,
/// <see cref="ReadIndex"/> and <see cref="TransferLeadership"/>, and hands its work out as a <see cref="Ready"/>
/// which the caller completes and acknowledges with <see cref="Advance"/>.
/// </summary>
/// <remarks>Not thread-safe: one caller (the driver loop) owns it. Split by concern: this file holds the public
/// surface and Ready bookkeeping; <c>RaftNode.Step.cs</c> the message dispatch; <c>RaftNode.Election.cs</c> roles and
/// voting; <c>RaftNode.Replication.cs</c> log replication and snapshots; <c>RaftNode.Reads.cs</c> ReadIndex and transfer.</remarks>
public sealed partial class RaftNode
{
    /// <summary>The "no node" id.</summary>
    public const ulong None = 0;

    private readonly RaftOptions _options;
    private readonly RaftLog _log;
    private readonly ProgressTracker _tracker;
    private readonly Random _random;
    private List<Message> _messages = [];
    private List<ReadState> _readStates = [];
    private SoftState _previousSoftState;
    private HardState _previousHardState;
    private bool _readyOutstanding;

    public RaftNode(RaftOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _options = options;
        _random = options.Random;
        Id = options.Id;
        _log = new RaftLog(options.Storage);
        var initial = options.Storage.InitialState();
        var voters = initial.Voters.Count > 0 ? initial.Voters : options.Voters;
        if (voters.Count == 0)
        {
            throw new ArgumentException("No voters: neither storage nor options name the cluster members.", nameof(options));
        }

        _tracker = new ProgressTracker(voters);
        if (!initial.HardState.IsEmpty)
        {
            _log.LoadCommitted(initial.HardState.Commit);
            Term = initial.HardState.Term;
            Vote = initial.HardState.Vote;
        }

        if (options.Applied > 0)
        {
            // The state machine only applies committed entries, so its applied index is a commit index we may have
            // failed to persist (commit-only hard state changes are written without fsync).
            _log.CommitTo(options.Applied);
            _log.AppliedTo(options.Applied);
        }

        BecomeFollower(Term, None);
        _previousSoftState = new SoftState(Leader, Role);
        _previousHardState = HardState;
    }

    public ulong Id { get; }

    public ulong Term { get; private set; }

    /// <summary>Whom this node voted for in <see cref="Term"/> (0: nobody).</summary>
    public ulong Vote { get; private set; }

    /// <summary>The leader this node follows (0: unknown).</summary>
    public ulong Leader { get; private set; }

    public RaftRole Role { get; private set; }

    public ulong Committed => _log.Committed;

    public ulong Applied => _log.Applied;

    public ulong LastIndex => _log.LastIndex;

    public IReadOnlyList<ulong> Voters => _tracker.Voters;

    private HardState HardState => new(Term, Vote, _log.Committed);

    /// <summary>Advances logical time by one tick: followers count towards an election, leaders towards heartbeats.</summary>
    public void Tick()
    {
        if (Role == RaftRole.Leader)
        {
            TickHeartbeat();
        }
        else
        {
            TickElection();
        }
    }

    /// <summary>Starts an election now (as if the election timeout had elapsed).</summary>
    public void Campaign() => Hup(transfer: false);

    /// <summary>Appends one payload to the log if this node leads.</summary>
    public ProposeResult Propose(byte[] data) => Propose([data]);

    /// <summary>Appends payloads as consecutive entries if this node leads. Batching several proposals in one call
    /// sends them in one append round.</summary>
    public ProposeResult Propose(IReadOnlyList<byte[]> payloads)
    {
        ArgumentNullException.ThrowIfNull(payloads);
        if (payloads.Count == 0)
        {
            throw new ArgumentException("Propose needs at least one payload.", nameof(payloads));
        }

        if (Role != RaftRole.Leader)
        {
            return new ProposeResult(ProposeStatus.NotLeader, 0, 0, Term, Leader);
        }

        if (_leadTransferee != None)
        {
            return new ProposeResult(ProposeStatus.LeadershipTransferInProgress, 0, 0, Term, Id);
        }

        var first = _log.LastIndex + 1;
        var entries = new Entry[payloads.Count];
        for (var i = 0; i < entries.Length; i++)
        {
            entries[i] = new Entry(first + (ulong)i, Term, payloads[i] ?? throw new ArgumentException("Payloads must not be null.", nameof(payloads)));
        }

        AppendEntries(entries);
        BroadcastAppend();
        return new ProposeResult(ProposeStatus.Accepted, first, first + (ulong)entries.Length - 1, Term, Id);
    }

    /// <summary>Tells the leader that messages to <paramref name="peer"/> are failing, so it stops pipelining to it.</summary>
    public void ReportUnreachable(ulong peer)
    {
        if (Role == RaftRole.Leader && _tracker.Get(peer) is { State: ProgressState.Replicate } progress)
        {
            progress.BecomeProbe();
        }
    }

    public bool HasReady
    {
        get
        {
            if (new SoftState(Leader, Role) != _previousSoftState)
            {
                return true;
            }

            var hardState = HardState;
            return hardState != _previousHardState
                || _log.Unstable.Entries.Count > 0
                || _log.Unstable.Snapshot is not null
                || _messages.Count > 0
                || _readStates.Count > 0
                || _log.HasNextCommittedEntries;
        }
    }

    /// <summary>Collects the pending work. Call <see cref="Advance"/> when it is done before asking again.</summary>
    public Ready GetReady()
    {
        if (_readyOutstanding)
        {
            throw new InvalidOperationException("The previous Ready has not been advanced; call Advance before GetReady.");
        }

        _readyOutstanding = true;
        var softState = new SoftState(Leader, Role);
        SoftState? changedSoftState = softState != _previousSoftState ? softState : null;
        _previousSoftState = softState;

        var hardState = HardState;
        var changedHardState = hardState != _previousHardState ? hardState : HardState.Empty;
        var entries = _log.Unstable.Entries.Count > 0 ? _log.Unstable.Entries.ToArray() : [];
        var committed = _log.HasNextCommittedEntries ? _log.NextCommittedEntries(_options.MaxCommittedBytesPerReady) : (IReadOnlyList<Entry>)[];
        var messages = _messages;
        _messages = [];
        var readStates = _readStates;
        _readStates = [];
        var mustSync = entries.Length > 0 || hardState.Term != _previousHardState.Term || hardState.Vote != _previousHardState.Vote;
        return new Ready(changedSoftState, changedHardState, readStates, entries, _log.Unstable.Snapshot, committed, messages, mustSync);
    }

    /// <summary>Acknowledges that everything in <paramref name="ready"/> was persisted, sent and applied.</summary>
    public void Advance(Ready ready)
    {
        ArgumentNullException.ThrowIfNull(ready);
        if (!_readyOutstanding)
        {
            throw new InvalidOperationException("Advance called without an outstanding Ready.");
        }

        _readyOutstanding = false;
        if (!ready.HardState.IsEmpty)
        {
            _previousHardState = ready.HardState;
        }

        if (ready.Snapshot is { } snapshot)
        {
            _log.StableSnapshotTo(snapshot.Index);
            if (snapshot.Index > _log.Applied)
            {
                _log.AppliedTo(snapshot.Index);
            }
        }

        if (ready.Entries.Count > 0)
        {
            var last = ready.Entries[^1];
            _log.StableTo(last.Index, last.Term);
        }

        if (ready.CommittedEntries.Count > 0)
        {
            _log.AppliedTo(ready.CommittedEntries[^1].Index);
        }
    }

    public RaftStatus Status()
    {
        var progress = new Dictionary<ulong, ProgressStatus>();
        if (Role == RaftRole.Leader)
        {
            foreach (var (id, p) in _tracker.Progress)
            {
                progress[id] = new ProgressStatus(p.State, p.Match, p.Next, p.RecentActive, p.IsPaused);
            }
        }

        return new RaftStatus(Id, Term, Vote, Leader, Role, _log.Committed, _log.Applied, _log.FirstIndex, _log.LastIndex, progress);
    }

    /// <summary>Log entries in <c>[low, high)</c> as this node sees them (stable and unstable), for diagnostics and tests.</summary>
    public StorageStatus ReadLog(ulong low, ulong high, List<Entry> into) => _log.Slice(low, Math.Min(high, _log.LastIndex + 1), ulong.MaxValue, into);

    private void Send(Message message) => _messages.Add(message);
}
