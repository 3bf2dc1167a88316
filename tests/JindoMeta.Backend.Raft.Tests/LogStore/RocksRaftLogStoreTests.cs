using System.Text;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Raft;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.Raft.Tests.LogStore;

public sealed class RocksRaftLogStoreTests
{
    private static readonly ulong[] Voters = [1, 2, 3];

    private static Entry E(ulong index, ulong term, string data = "") => new(index, term, Encoding.UTF8.GetBytes(data.Length == 0 ? $"e{index}" : data));

    private static List<Entry> Read(IRaftStorage store, ulong low, ulong high, ulong maxBytes = ulong.MaxValue)
    {
        var entries = new List<Entry>();
        Assert.Equal(StorageStatus.Ok, store.Entries(low, high, maxBytes, entries));
        return entries;
    }

    [Fact]
    public void Hard_state_and_entries_survive_reopen()
    {
        using var directory = new TempDirectory();
        using (var store = RocksRaftLogStore.Open(directory.Path, Voters))
        {
            Assert.Equal(1ul, store.FirstIndex);
            Assert.Equal(0ul, store.LastIndex);
            store.Persist(new HardState(2, 1, 2), [E(1, 1), E(2, 2), E(3, 2)], null, sync: true);
        }

        using var reopened = RocksRaftLogStore.Open(directory.Path, Voters);
        Assert.Equal(new HardState(2, 1, 2), reopened.InitialState().HardState);
        Assert.Equal(Voters, reopened.InitialState().Voters);
        Assert.Equal(3ul, reopened.LastIndex);
        Assert.Equal(["e1", "e2", "e3"], Read(reopened, 1, 4).Select(e => Encoding.UTF8.GetString(e.Data)));
        Assert.Equal(StorageStatus.Ok, reopened.Term(2, out var term));
        Assert.Equal(2ul, term);
        Assert.Equal(StorageStatus.Unavailable, reopened.Term(4, out _));
        Assert.Equal(StorageStatus.Unavailable, reopened.Entries(1, 5, ulong.MaxValue, []));
    }

    [Fact]
    public void Appending_at_an_earlier_index_replaces_the_conflicting_suffix()
    {
        using var directory = new TempDirectory();
        using (var store = RocksRaftLogStore.Open(directory.Path, Voters))
        {
            store.Persist(new HardState(1, 1, 1), [E(1, 1), E(2, 1), E(3, 1), E(4, 1)], null, sync: true);
            store.Persist(new HardState(2, 0, 1), [E(3, 2, "new3")], null, sync: true);
            Assert.Equal(3ul, store.LastIndex);
        }

        using var reopened = RocksRaftLogStore.Open(directory.Path, Voters);
        Assert.Equal(3ul, reopened.LastIndex);
        Assert.Equal("new3", Encoding.UTF8.GetString(Read(reopened, 3, 4).Single().Data));
    }

    [Fact]
    public void A_gap_in_the_log_is_refused_with_a_clear_error()
    {
        using var directory = new TempDirectory();
        using var store = RocksRaftLogStore.Open(directory.Path, Voters);
        store.Persist(HardState.Empty, [E(1, 1)], null, sync: true);

        var error = Assert.Throws<InvalidOperationException>(() => store.Persist(HardState.Empty, [E(3, 1)], null, sync: true));

        Assert.Contains("gap", error.Message, StringComparison.Ordinal);
        Assert.Equal(1ul, store.LastIndex);
    }

    [Fact]
    public void Entries_respect_the_byte_limit_but_return_at_least_one()
    {
        using var directory = new TempDirectory();
        using var store = RocksRaftLogStore.Open(directory.Path, Voters);
        store.Persist(HardState.Empty, [E(1, 1, new string('a', 100)), E(2, 1, new string('b', 100)), E(3, 1)], null, sync: true);

        Assert.Single(Read(store, 1, 4, maxBytes: 1));
        Assert.Equal(2, Read(store, 1, 4, maxBytes: 2 * (100 + Entry.OverheadBytes)).Count);
    }

    [Fact]
    public void Snapshot_and_compaction_move_the_first_index_and_survive_reopen()
    {
        using var directory = new TempDirectory();
        using (var store = RocksRaftLogStore.Open(directory.Path, Voters))
        {
            store.Persist(new HardState(3, 1, 10), [.. Enumerable.Range(1, 10).Select(i => E((ulong)i, i <= 5 ? 1ul : 3ul))], null, sync: true);
            Assert.Throws<InvalidOperationException>(() => store.Compact(5));
            store.CreateSnapshot(8, Voters, stream => stream.Write("image@8"u8));
            store.Compact(6);
        }

        using var reopened = RocksRaftLogStore.Open(directory.Path, Voters);
        Assert.Equal(7ul, reopened.FirstIndex);
        Assert.Equal(10ul, reopened.LastIndex);
        Assert.Equal(StorageStatus.Compacted, reopened.Term(5, out _));
        Assert.Equal(StorageStatus.Ok, reopened.Term(6, out var term));
        Assert.Equal(3ul, term);
        Assert.Equal(StorageStatus.Compacted, reopened.Entries(6, 8, ulong.MaxValue, []));
        Assert.Equal(StorageStatus.Ok, reopened.Snapshot(out var snapshot));
        Assert.Equal((8ul, 3ul, "image@8"), (snapshot.Index, snapshot.Term, Encoding.UTF8.GetString(snapshot.Data.ReadAll())));
    }

    [Fact]
    public void A_snapshot_from_the_leader_replaces_the_whole_log()
    {
        using var directory = new TempDirectory();
        using (var store = RocksRaftLogStore.Open(directory.Path, Voters))
        {
            store.Persist(new HardState(1, 1, 2), [E(1, 1), E(2, 1), E(3, 1)], null, sync: true);
            var snapshot = new Snapshot(new SnapshotMetadata(20, 4, Voters), new MemorySnapshotData("leader-image"u8.ToArray()));
            store.Persist(new HardState(4, 0, 20), [E(21, 4)], snapshot, sync: true);
        }

        using var reopened = RocksRaftLogStore.Open(directory.Path, Voters);
        Assert.Equal(21ul, reopened.FirstIndex);
        Assert.Equal(21ul, reopened.LastIndex);
        Assert.Equal(StorageStatus.Ok, reopened.Term(20, out var term));
        Assert.Equal(4ul, term);
        Assert.Equal(StorageStatus.Compacted, reopened.Term(3, out _));
        Assert.Equal(new HardState(4, 0, 20), reopened.HardState);
    }

    [Fact]
    public void Raft_log_stays_in_its_own_column_families_next_to_state_machine_data()
    {
        using var directory = new TempDirectory();
        using var database = RocksDatabase.Open(directory.Path, new RocksDbOptions(), [.. RaftLogSchema.ColumnFamilies, "dentries"]);
        var dentries = database.GetColumnFamily("dentries");
        var key = new byte[8];
        database.Put(dentries, key, "state-machine-row"u8, sync: true);
        using var store = new RocksRaftLogStore(database, Voters, System.IO.Path.Combine(directory.Path, "snapshots"));

        var snapshot = new Snapshot(new SnapshotMetadata(5, 1, Voters), SnapshotData.Empty);
        store.Persist(new HardState(1, 0, 5), [E(6, 1)], snapshot, sync: true);
        store.CreateSnapshot(6, Voters, _ => { });
        store.Compact(6);

        Assert.Equal("state-machine-row", Encoding.UTF8.GetString(database.Get(dentries, key)!));
        Assert.Contains(RaftLogSchema.LogColumnFamily, database.ColumnFamilyNames);
        Assert.Contains(RaftLogSchema.StateColumnFamily, database.ColumnFamilyNames);
    }

    [Fact]
    public void Only_writes_that_raft_marks_must_sync_are_fsynced()
    {
        using var directory = new TempDirectory();
        using var store = RocksRaftLogStore.Open(directory.Path, Voters);
        store.Persist(new HardState(1, 1, 0), [E(1, 1)], null, sync: true);
        store.Persist(new HardState(1, 1, 1), [], null, sync: false);

        Assert.Equal(1, store.SyncedWrites);
        Assert.Equal(1ul, store.HardState.Commit);
    }
}
