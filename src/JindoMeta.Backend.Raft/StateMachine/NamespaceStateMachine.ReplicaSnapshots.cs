using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.Raft.StateMachine;

public sealed partial class NamespaceStateMachine
{
    /// <summary>Rows read per page of a replica snapshot, each page under the read lock (short: a restore waits for it).</summary>
    private const int ReplicaSnapshotPageRows = 1024;

    private readonly HashSet<ReplicaSnapshot> _openReplicaSnapshots = [];

    /// <summary>About how many dentries the state holds (RocksDB's estimate), for the uploader's snapshot progress.</summary>
    public long EstimatedRows => UnderReadLock(_ => (long)(_store.Database.GetPropertyInt("rocksdb.estimate-num-keys", _store.Dentries) ?? 0));

    /// <summary>
    /// The replicated rows (dentries in key order, then the replicated meta rows) at one RocksDB snapshot, with the
    /// change index read at the same snapshot (it is written in the batch of that change's rows, so they agree).
    /// </summary>
    /// <remarks>
    /// The uploader streams the rows across awaits (other threads), where the read lock cannot be held: each page is
    /// read under it instead. A snapshot restore (<see cref="Restore"/>) replaces and closes the store; it first
    /// releases the snapshots open on it, and their next page throws an <see cref="IOException"/> (the uploader
    /// retries and takes a new snapshot) rather than read a closed store.
    /// </remarks>
    public IReplicaSnapshot OpenReplicaSnapshot()
    {
        _storeLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            var snapshot = new ReplicaSnapshot(this, _store);
            lock (_openReplicaSnapshots)
            {
                _openReplicaSnapshots.Add(snapshot);
            }

            return snapshot;
        }
        finally
        {
            _storeLock.ExitReadLock();
        }
    }

    /// <summary>Releases every replica snapshot on the store about to close. Under the write lock (no page is being read).</summary>
    private void ReleaseReplicaSnapshots(string reason)
    {
        lock (_openReplicaSnapshots)
        {
            foreach (var snapshot in _openReplicaSnapshots)
            {
                snapshot.Release(reason);
            }

            _openReplicaSnapshots.Clear();
        }
    }

    private void Forget(ReplicaSnapshot snapshot)
    {
        lock (_openReplicaSnapshots)
        {
            _openReplicaSnapshots.Remove(snapshot);
        }
    }

    /// <summary>One open replica snapshot: a RocksDB snapshot of one store, read a page at a time.</summary>
    private sealed class ReplicaSnapshot : IReplicaSnapshot
    {
        private readonly NamespaceStateMachine _machine;
        private readonly NamespaceStore _store;
        private readonly Lock _gate = new();
        private RocksSnapshot? _snapshot;
        private string? _releasedBecause;

        public ReplicaSnapshot(NamespaceStateMachine machine, NamespaceStore store)
        {
            _machine = machine;
            _store = store;
            _snapshot = store.Database.CreateSnapshot();
            ChangeIndex = store.ReadInt64(NamespaceSchema.MetaKeys.LastChangeIndex, _snapshot) ?? 0;
        }

        public long ChangeIndex { get; }

        public IEnumerable<RowChange> Rows()
        {
            byte[]? after = null;
            List<RowChange> page;
            do
            {
                page = ReadPage(after);
                foreach (var row in page)
                {
                    yield return row;
                }

                after = page.Count > 0 ? page[^1].Key : after;
            }
            while (page.Count == ReplicaSnapshotPageRows);

            foreach (var row in ReadMetaRows())
            {
                yield return row;
            }
        }

        /// <summary>Under the machine's write lock, or under the read lock and <see cref="_gate"/>.</summary>
        public void Release(string reason)
        {
            _releasedBecause ??= reason;
            _snapshot?.Dispose();
            _snapshot = null;
        }

        public void Dispose()
        {
            _machine._storeLock.EnterReadLock();
            try
            {
                lock (_gate)
                {
                    Release("it was disposed");
                }
            }
            finally
            {
                _machine._storeLock.ExitReadLock();
            }

            _machine.Forget(this);
        }

        /// <summary>Up to a page of dentries after <paramref name="after"/> (from the first when null).</summary>
        private List<RowChange> ReadPage(byte[]? after) => Locked(snapshot =>
        {
            var rows = new List<RowChange>(ReplicaSnapshotPageRows);
            using var iterator = _store.Database.NewIterator(_store.Dentries, snapshot: snapshot);
            if (after is null)
            {
                iterator.SeekToFirst();
            }
            else
            {
                iterator.Seek(after);
                if (iterator.Valid && iterator.Key.SequenceEqual(after))
                {
                    iterator.Next();
                }
            }

            for (; iterator.Valid && rows.Count < ReplicaSnapshotPageRows; iterator.Next())
            {
                rows.Add(new RowChange(NamespaceSchema.DentriesTable, iterator.Key.ToArray(), iterator.Value.ToArray()));
            }

            return rows;
        });

        private List<RowChange> ReadMetaRows() => Locked(snapshot =>
        {
            var rows = new List<RowChange>();
            foreach (var key in NamespaceSchema.ReplicatedMetaKeys)
            {
                if (_store.Database.Get(_store.Meta, key, snapshot) is { } value)
                {
                    rows.Add(new RowChange(NamespaceSchema.MetaTable, key, value));
                }
            }

            return rows;
        });

        /// <summary>Runs <paramref name="read"/> under the machine's read lock, so a restore cannot close the store meanwhile.</summary>
        private List<RowChange> Locked(Func<RocksSnapshot, List<RowChange>> read)
        {
            _machine._storeLock.EnterReadLock();
            try
            {
                lock (_gate)
                {
                    return _snapshot is { } snapshot
                        ? read(snapshot)
                        : throw new IOException($"The replica snapshot at change {ChangeIndex} is gone ({_releasedBecause}); take a new one.");
                }
            }
            finally
            {
                _machine._storeLock.ExitReadLock();
            }
        }
    }
}
