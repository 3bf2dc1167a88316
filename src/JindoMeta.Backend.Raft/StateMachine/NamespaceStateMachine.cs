using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// One namespace's replicated state on one raft node: committed entries applied in log order to a RocksDB store of
/// its own (the rocksdb backend's <see cref="NamespaceStore"/> layout, so rows, change feed and meta are the same).
/// </summary>
/// <remarks>
/// <para><b>Commands are replicated, and every node executes them</b> with the same <see cref="NamespaceEngine"/>
/// (the Ozone practice), rather than the leader executing and replicating effects. The engine is a pure function of
/// (state, command, time): the leader fixes everything non-deterministic before proposing (its clock as the
/// command's time, the caller's resolved groups; see <see cref="ReplicatedCommand"/>), and new inode ids come from
/// the counter in the state. Why: an entry is a few dozen bytes instead of every row a recursive delete or a
/// rename touches; followers run exactly the code the leader runs, so there is one implementation of the
/// semantics; and a failing command costs a log entry but no rows. The price is that determinism must hold; the
/// determinism tests compare the checksums (<see cref="StateChecksum"/>) of independently applied states.</para>
/// <para><b>Exactly once:</b> an entry carrying a client call id (<see cref="ClientCallId"/>) is looked up in the
/// replicated <see cref="RetryCache"/> first; a duplicate (a client's retry after a lost reply or a failover)
/// returns the stored outcome and writes nothing but the applied index. Otherwise its outcome is recorded in the
/// entry's batch. Expiry uses the entry's time, so every node keeps the same entries.</para>
/// <para><b>One batch per entry:</b> the entry's rows, its change-feed entry (the same counter and encoding as the
/// rocksdb backend, so the uploader can run on any node) and the applied raft index are one WriteBatch, so the
/// state on disk is always exactly "entries 1..AppliedIndex applied". An empty entry (the leader's no-op) only
/// advances the applied index. A replica entry (<see cref="ReplicaEntryCodec"/>: the uploader's store id, "the
/// feed is uploaded through N", which trims the feed, or recovery mode's loads of replica rows and its finish) writes
/// its rows and the applied index, no feed entry.</para>
/// <para><b>Durability:</b> batches are not synced (<see cref="NamespaceStateMachineOptions.SyncWrites"/>). The raft
/// log is synced before an entry can commit, so every applied entry is still in a quorum's log; RocksDB's WAL loses
/// at most a suffix of batches in a machine crash (a process crash loses nothing), so the state reopens at some
/// earlier applied index with that prefix intact; and <see cref="RaftDriver"/> on start resumes at
/// max(AppliedIndex, log snapshot index), restoring the log store's snapshot if the state is older and re-applying
/// committed entries after it. The log is compacted only behind a snapshot, and taking one flushes the memtables
/// (a RocksDB checkpoint), so the entries needed to re-apply the lost suffix are never gone.</para>
/// <para><b>Stopping:</b> an entry that cannot be decoded or executed, or a failed write, stops the machine with a
/// <see cref="StateMachineStoppedException"/> (the driver then goes silent). Skipping it would diverge.</para>
/// <para>Threads: <see cref="Apply"/>, <see cref="CreateSnapshot"/> and <see cref="Restore"/> run on the driver
/// loop, one at a time. Reads (<see cref="Read{TResult}"/>) run on any thread at a RocksDB snapshot; a restore waits
/// for the reads of the old state to finish before closing it.</para>
/// </remarks>
public sealed partial class NamespaceStateMachine : IRaftStateMachine, IDisposable
{
    /// <summary>The backend name stored in the store's meta (a rocksdb-backend store is refused, and vice versa).</summary>
    public const string BackendTypeName = "raft";

    /// <summary>
    /// The root's time when a node formats its empty state. Fixed, not the clock: every node formats on its own,
    /// and the states must be byte-identical. The first change under the root gives it a real time.
    /// </summary>
    public const long FormatTimestampMs = 0;

    private readonly NamespaceStateMachineOptions _options;
    private readonly NamespaceEngine _engine;
    private readonly StateDirectory _directory;
    private readonly ReaderWriterLockSlim _storeLock = new(LockRecursionPolicy.NoRecursion);
    private readonly WriteBatch _batch = new();
    private readonly byte[] _appliedIndexValue = new byte[8];
    private readonly RetryCache _retryCache;
    private NamespaceStore _store;
    private RocksDbNamespaceState _latestState;
    private RocksDbChangeFeed _changeFeed;
    private ulong _appliedIndex;
    private long _lastChangeIndex;
    private long _lastChangeTimeMs;
    private int _snapshotsRestored;
    private volatile StateMachineStoppedException? _stopped;
    private int _disposed;

    private NamespaceStateMachine(NamespaceStateMachineOptions options, NamespaceEngine engine, StateDirectory directory, NamespaceStore store)
    {
        _options = options;
        _engine = engine;
        _directory = directory;
        _retryCache = new RetryCache(options.RetryCache);
        _store = store;
        _latestState = new RocksDbNamespaceState(store);
        _changeFeed = new RocksDbChangeFeed(store, () => LastChangeIndex);
        (_appliedIndex, _lastChangeIndex) = ReadProgress(store);
        _lastChangeTimeMs = TimeOfChange(_changeFeed, _lastChangeIndex);
        ReadRecoveryFinish();
    }

    /// <summary>The last raft index applied (read from the store on open; 0 for a new state).</summary>
    public ulong AppliedIndex => Volatile.Read(ref _appliedIndex);

    /// <summary>Index of the newest change-feed entry (commands that changed something; failed ones do not count).</summary>
    public long LastChangeIndex => Volatile.Read(ref _lastChangeIndex);

    /// <summary>The command time of the newest change (the leader that stamped it). A new leader never stamps an
    /// earlier time (see <see cref="RaftNamespaceBackend"/>), so times in the tree do not go back across a failover.</summary>
    public long LastChangeTimeMs => Volatile.Read(ref _lastChangeTimeMs);

    public NamespaceEngine Engine => _engine;

    /// <summary>How many snapshots replaced the state since this machine was opened (a follower that was too far behind
    /// or lost its disk); for status.</summary>
    public int SnapshotsRestored => Volatile.Read(ref _snapshotsRestored);

    /// <summary>Why the machine stopped, or null while it runs.</summary>
    public StateMachineStoppedException? Stopped => _stopped;

    /// <summary>Opens (formatting on first use) the state kept in <see cref="NamespaceStateMachineOptions.Directory"/>.</summary>
    /// <exception cref="InvalidDataException">The directory holds another backend's store, another format, or damaged data.</exception>
    public static NamespaceStateMachine Open(NamespaceStateMachineOptions options, PermissionSettings permissions)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(permissions);
        options.Validate();
        var engine = new NamespaceEngine(permissions);
        var directory = StateDirectory.Open(options.Directory);
        var store = NamespaceStore.Open(directory.CurrentStorePath, options.Storage, BackendTypeName, () => engine.FormatEffects(FormatTimestampMs));
        return new NamespaceStateMachine(options, engine, directory, store);
    }

    /// <summary>
    /// Applies one committed entry. Returns the engine's <c>Result&lt;FileStatus?&gt;</c> (boxed) for a command, so
    /// the leader can answer its client, and null for an empty entry.
    /// </summary>
    /// <exception cref="StateMachineStoppedException">The entry cannot be applied; nothing of it was written and the machine applies nothing more.</exception>
    public object? Apply(Entry entry)
    {
        ThrowIfUnusable();
        var applied = _appliedIndex;
        if (entry.Index <= applied)
        {
            throw Stop($"Raft entry {entry.Index} arrived after entry {applied} was applied; applying it again would corrupt the state. This is a bug in the caller.", null);
        }

        if (entry.Type != EntryType.Normal)
        {
            throw Stop($"Raft entry {entry.Index} has type {entry.Type}, which this state machine does not apply; upgrade this node.", null);
        }

        _batch.Clear();
        _finishingRecovery = false;
        object? result = null;
        var changeIndex = _lastChangeIndex;
        long replicatedTime = 0;
        if (ReplicaEntryCodec.Holds(entry.Data))
        {
            result = StageReplicaEntry(entry, applied, ref changeIndex);
        }
        else if (entry.Data.Length > 0)
        {
            ReplicatedCommand replicated;
            try
            {
                replicated = NamespaceCommandCodec.Decode(entry.Data);
                replicatedTime = replicated.TimestampMs;
            }
            catch (FormatException e)
            {
                throw Stop($"Raft entry {entry.Index} (term {entry.Term}) cannot be decoded: {e.Message} The state machine stopped at applied index {applied}: skipping the entry would make this node diverge from its peers.", e);
            }

            var call = new ClientCallId(replicated.ClientId, replicated.CallId);
            CommandOutcome outcome;
            try
            {
                if (_retryCache.TryFind(_store, call, replicated.TimestampMs, out var remembered))
                {
                    // A retry of a call already applied: its first outcome, and no change at all (not even the feed).
                    outcome = new CommandOutcome(remembered.Error, remembered.IsOk ? remembered.Value : null, []);
                }
                else
                {
                    outcome = _engine.Execute(_latestState, replicated.Command, replicated.TimestampMs);
                    if (!call.IsNone)
                    {
                        _retryCache.Record(_store, _batch, call, replicated.TimestampMs, outcome.ToResult());
                    }
                }
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                throw Stop($"Executing raft entry {entry.Index} ({replicated.Command.GetType().Name}) failed: {e.GetType().Name}: {e.Message} The state machine stopped at applied index {applied}; a node that cannot execute what its peers executed would diverge (a damaged store: rebuild this node from a snapshot).", e);
            }
            finally
            {
                _retryCache.Clear(); // rows staged here are in _batch; from the next entry on they are read from the store
            }

            result = outcome.ToResult();
            if (outcome.Effects.Count > 0)
            {
                var rows = RowChange.FromEffects(outcome.Effects);
                foreach (var row in rows)
                {
                    _store.Stage(_batch, row);
                }

                changeIndex++;
                _store.StageChangeEntry(_batch, changeIndex, replicated.TimestampMs, rows);
                _store.StageLastChangeIndex(_batch, changeIndex);
            }
        }

        System.Buffers.Binary.BinaryPrimitives.WriteInt64BigEndian(_appliedIndexValue, (long)entry.Index);
        _batch.Put(_store.Meta, NamespaceSchema.MetaKeys.AppliedRaftIndex, _appliedIndexValue);
        try
        {
            _store.Database.Write(_batch, _options.SyncWrites);
        }
        catch (Exception e) when (e is RocksDbException or ObjectDisposedException)
        {
            throw Stop($"Writing raft entry {entry.Index} to the state store {_store.Path} failed: {e.Message} The state machine stopped at applied index {applied}.", e);
        }

        if (changeIndex != _lastChangeIndex)
        {
            Volatile.Write(ref _lastChangeTimeMs, Math.Max(_lastChangeTimeMs, replicatedTime));
        }

        Volatile.Write(ref _lastChangeIndex, changeIndex);
        Volatile.Write(ref _appliedIndex, entry.Index);
        if (_finishingRecovery)
        {
            Volatile.Write(ref _recoveryFinishedAt, entry.Index);
        }

        return result;
    }

    /// <summary>Closes the store (after reads in progress finish). The state stays on disk.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _storeLock.EnterWriteLock();
        try
        {
            ReleaseReplicaSnapshots("the state machine closed");
            _store.Dispose();
            _batch.Dispose();
        }
        finally
        {
            _storeLock.ExitWriteLock();
        }

        _storeLock.Dispose();
    }

    /// <summary>The time of change <paramref name="index"/>; the format time when the feed no longer holds it (trimmed
    /// behind the replica's checkpoint, or a recovered state whose feed starts after its origin).</summary>
    private static long TimeOfChange(RocksDbChangeFeed feed, long index) =>
        index > 0 && index >= feed.FirstIndex && feed.Read(index, 1) is [var newest] ? newest.TimestampMs : FormatTimestampMs;

    private static (ulong Applied, long LastChange) ReadProgress(NamespaceStore store)
    {
        var applied = store.ReadInt64(NamespaceSchema.MetaKeys.AppliedRaftIndex) ?? 0;
        if (applied < 0)
        {
            throw new InvalidDataException($"The state store {store.Path} has a negative applied raft index {applied}: it is damaged.");
        }

        return ((ulong)applied, store.ReadInt64(NamespaceSchema.MetaKeys.LastChangeIndex) ?? 0);
    }

    private void ThrowIfUnusable()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_stopped is { } stopped)
        {
            throw new StateMachineStoppedException($"The state machine stopped earlier and applies nothing more until a restart: {stopped.Message}", stopped);
        }
    }

    private StateMachineStoppedException Stop(string message, Exception? cause)
    {
        var stopped = cause is null ? new StateMachineStoppedException(message) : new StateMachineStoppedException(message, cause);
        _stopped = stopped;
        return stopped;
    }
}
