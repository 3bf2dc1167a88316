using JindoMeta.Backend.Raft.Snapshots;
using JindoMeta.Raft;
using JindoMeta.RocksDb;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft.LogStore;

/// <summary>
/// The durable raft log of one node on RocksDB: hard state, entries and the latest snapshot's metadata, in the column
/// families of <see cref="RaftLogSchema"/>; the snapshot's bytes are a file in a <see cref="SnapshotFileStore"/> that the
/// record references, so a snapshot is streamed from and to disk, never held in memory or in RocksDB. Implements the storage contract of <see cref="IRaftLogStore"/> (written out in LogStore/STORAGE-CONTRACT.md).
/// </summary>
/// <remarks>
/// <para>Each <see cref="Persist"/> is one RocksDB write batch (atomic across both column families); with <c>sync</c> it is
/// fdatasync'ed before returning, so entries and votes are on disk before the driver sends the messages that acknowledge
/// them. Without <c>sync</c> (only the commit index changed) it survives a process crash but not a power loss, which is
/// safe: the commit index is re-learned from the leader.</para>
/// <para>Thread-safety: one writer (the driver loop); readers on other threads are safe (a lock guards the cached
/// positions and RocksDB is thread-safe).</para>
/// </remarks>
public sealed partial class RocksRaftLogStore : IRaftLogStore, IDisposable
{
    private readonly Lock _lock = new();
    private readonly RocksDatabase _database;
    private readonly bool _ownsDatabase;
    private readonly ColumnFamily _log;
    private readonly ColumnFamily _state;
    private readonly SnapshotFileStore _snapshots;
    private readonly WriteBatch _batch = new();
    private readonly byte[] _keyScratch = new byte[8];
    private readonly byte[] _upperKeyScratch = new byte[8];
    private byte[] _valueScratch = new byte[4096];
    private HardState _hardState;
    private Snapshot _snapshot = JindoMeta.Raft.Snapshot.Empty;
    private ulong _startIndex;
    private ulong _startTerm;
    private ulong _lastIndex;
    private ulong _lastTerm;

    /// <summary>Uses the raft column families of a database opened by the caller (who may keep state machine column
    /// families in the same database). Open it with <see cref="RaftLogSchema.ColumnFamilies"/> among its families.</summary>
    public RocksRaftLogStore(RocksDatabase database, IReadOnlyList<ulong> bootstrapVoters, string snapshotDirectory, ILogger? logger = null)
        : this(database, ownsDatabase: false, bootstrapVoters, new SnapshotFileStore(snapshotDirectory, logger))
    {
    }

    private RocksRaftLogStore(RocksDatabase database, bool ownsDatabase, IReadOnlyList<ulong> bootstrapVoters, SnapshotFileStore snapshots)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(bootstrapVoters);
        _database = database;
        _ownsDatabase = ownsDatabase;
        _snapshots = snapshots;
        _log = database.GetColumnFamily(RaftLogSchema.LogColumnFamily);
        _state = database.GetColumnFamily(RaftLogSchema.StateColumnFamily);
        Load(bootstrapVoters);
    }

    /// <summary>Opens (or creates) a database at <paramref name="path"/> holding only the raft log; its snapshot files
    /// live in <c>snapshots/</c> inside it (RocksDB ignores a directory it did not create).</summary>
    public static RocksRaftLogStore Open(string path, IReadOnlyList<ulong> bootstrapVoters, RocksDbOptions? options = null, ILogger? logger = null)
    {
        var database = RocksDatabase.Open(path, options ?? new RocksDbOptions(), RaftLogSchema.ColumnFamilies);
        try
        {
            return new RocksRaftLogStore(database, ownsDatabase: true, bootstrapVoters, new SnapshotFileStore(Path.Combine(path, "snapshots"), logger));
        }
        catch
        {
            database.Dispose();
            throw;
        }
    }

    /// <summary>Where the snapshot files are.</summary>
    public SnapshotFileStore SnapshotFiles => _snapshots;

    /// <summary>Number of RocksDB writes issued with sync=true (for measurements and tests).</summary>
    public long SyncedWrites { get; private set; }

    public HardState HardState
    {
        get
        {
            lock (_lock)
            {
                return _hardState;
            }
        }
    }

    private void Load(IReadOnlyList<ulong> bootstrapVoters)
    {
        var hardState = _database.Get(_state, RaftLogSchema.HardStateKey);
        _hardState = hardState is null ? HardState.Empty : RaftLogSchema.DecodeHardState(hardState);
        var snapshot = _database.Get(_state, RaftLogSchema.SnapshotKey);
        if (snapshot is null)
        {
            _snapshot = new Snapshot(new SnapshotMetadata(0, 0, bootstrapVoters), SnapshotData.Empty);
            _snapshots.DeleteAllExcept(null);
        }
        else
        {
            var (metadata, fileName, length) = RaftLogSchema.DecodeSnapshot(snapshot);
            _snapshot = new Snapshot(metadata, _snapshots.Open(fileName, length));

            // After a crash, a snapshot written or received but not yet recorded, or one superseded but not yet deleted.
            _snapshots.DeleteAllExcept(fileName);
        }
        var start = _database.Get(_state, RaftLogSchema.LogStartKey);
        (_startIndex, _startTerm) = start is null ? (0ul, 0ul) : RaftLogSchema.DecodeLogStart(start);

        _lastIndex = _startIndex;
        _lastTerm = _startTerm;
        using var iterator = _database.NewIterator(_log);
        iterator.SeekToLast();
        if (iterator.Valid)
        {
            _lastIndex = RaftLogSchema.ReadIndexKey(iterator.Key);
            _lastTerm = RaftLogSchema.DecodeEntryTerm(_lastIndex, iterator.Value);
            if (_lastIndex <= _startIndex)
            {
                throw new InvalidDataException($"The raft log store is corrupt: last entry {_lastIndex} is not after the compaction point {_startIndex}.");
            }
        }

        if (_hardState.Commit > _lastIndex)
        {
            throw new InvalidDataException($"The raft log store is corrupt: commit index {_hardState.Commit} is beyond the last entry {_lastIndex}.");
        }
    }

    public void Dispose()
    {
        _batch.Dispose();
        if (_ownsDatabase)
        {
            _database.Dispose();
        }
    }
}
