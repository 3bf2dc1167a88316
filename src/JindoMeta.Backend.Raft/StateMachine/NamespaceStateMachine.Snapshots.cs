using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Schema;
using JindoMeta.Raft;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.Raft.StateMachine;

public sealed partial class NamespaceStateMachine
{
    /// <summary>
    /// Writes the state at <see cref="AppliedIndex"/> into <paramref name="destination"/> (the log store's snapshot file):
    /// a RocksDB checkpoint (memtables flushed, SST files hard-linked) packed file by file by
    /// <see cref="SnapshotArchive"/> with a 64 KiB buffer, so the image is never whole in memory. Taking it also makes
    /// the state durable up to this point, which is what lets the driver compact the log behind it.
    /// </summary>
    public void WriteSnapshot(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        ThrowIfUnusable();
        var checkpoint = _directory.NewTemporaryPath("checkpoint");
        try
        {
            _store.Database.CreateCheckpoint(checkpoint);
            SnapshotArchive.Write(checkpoint, destination);
        }
        finally
        {
            if (Directory.Exists(checkpoint))
            {
                Directory.Delete(checkpoint, recursive: true);
            }
        }
    }

    /// <summary>
    /// Replaces the state with <paramref name="snapshot"/>: unpacked into a new store beside the current one, marked
    /// as applied through the snapshot's index, switched to by an atomic pointer rename, and only then swapped in for
    /// readers; the old store closes once the reads on it finish, and is deleted.
    /// </summary>
    /// <exception cref="StateMachineStoppedException">The snapshot is damaged (its checksum does not match) or of another
    /// format; the old state is kept on disk.</exception>
    public void Restore(Snapshot snapshot)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        ThrowIfUnusable();
        var incoming = _directory.PrepareNextStore();
        NamespaceStore restored;
        try
        {
            // Streamed from the snapshot's file; its checksum is verified when the archive has been read to its end,
            // and a mismatch throws before the new store is switched to.
            using var content = snapshot.Data.OpenRead();
            SnapshotArchive.Extract(content, incoming);
            restored = NamespaceStore.Open(incoming, _options.Storage, BackendTypeName,
                () => throw new InvalidDataException("the snapshot holds no formatted namespace store"));
        }
        catch (Exception e) when (e is InvalidDataException or RocksDbException or IOException)
        {
            DeleteQuietly(incoming);
            throw Stop($"Restoring the raft snapshot at index {snapshot.Index} (term {snapshot.Term}) failed: {e.Message} The state machine stopped; its old state at applied index {_appliedIndex} is kept.", e);
        }

        try
        {
            var (storedApplied, _) = ReadProgress(restored);
            if (storedApplied > snapshot.Index)
            {
                throw new InvalidDataException($"the snapshot's state has applied index {storedApplied}, beyond the snapshot's own index {snapshot.Index}");
            }

            // The image may stop short of its index by trailing empty entries (the driver does not hand those to
            // Apply); they change nothing, so the restored state is the state at the snapshot's index.
            restored.Database.Put(restored.Meta, NamespaceSchema.MetaKeys.AppliedRaftIndex, NamespaceSchema.Int64Value((long)snapshot.Index), sync: true);
        }
        catch (Exception e) when (e is InvalidDataException or RocksDbException)
        {
            restored.Dispose();
            DeleteQuietly(incoming);
            throw Stop($"Restoring the raft snapshot at index {snapshot.Index} failed: {e.Message} The state machine stopped; its old state is kept.", e);
        }

        var previousPath = _directory.SwitchToNextStore();
        NamespaceStore previous;
        _storeLock.EnterWriteLock();
        try
        {
            previous = _store;
            ReleaseReplicaSnapshots("a raft snapshot from the leader replaced the state");
            _store = restored;
            _retryCache.Reset(); // its sweep position was in the replaced store
            _latestState = new RocksDbNamespaceState(restored);
            _changeFeed = new RocksDbChangeFeed(restored, () => LastChangeIndex);
            var (applied, lastChange) = ReadProgress(restored);
            Volatile.Write(ref _lastChangeIndex, lastChange);
            Volatile.Write(ref _lastChangeTimeMs, TimeOfChange(_changeFeed, lastChange));
            Volatile.Write(ref _appliedIndex, applied);
            ReadRecoveryFinish();
        }
        finally
        {
            _storeLock.ExitWriteLock();
        }

        previous.Dispose();
        DeleteQuietly(previousPath);
        Interlocked.Increment(ref _snapshotsRestored);
    }

    private static void DeleteQuietly(string directory)
    {
        try
        {
            if (Directory.Exists(directory))
            {
                Directory.Delete(directory, recursive: true);
            }
        }
        catch (IOException)
        {
            // A leftover is deleted when the state machine next opens.
        }
    }
}
