using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Backend.Raft.Snapshots;
using JindoMeta.Backend.Raft.Tests.StateMachine;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Snapshots;

/// <summary>
/// A namespace snapshot going from a leader's log store to a follower's the way the raft core moves it: the leader's
/// file read chunk by chunk (<see cref="SnapshotData.TryRead"/>), each chunk written into the follower's sink, the
/// completed file persisted by the follower's log store and restored into its state machine.
/// </summary>
public sealed class SnapshotTransferTests : IDisposable
{
    private const int ChunkBytes = 4096;
    private static readonly ulong[] Voters = [1, 2, 3];
    private static readonly CallerIdentity Root = new("root", []);
    private readonly StateMachineFixture _machines = new();
    private readonly TempDirectory _logs = new("jindometa-snapxfer");
    private readonly List<RocksRaftLogStore> _stores = [];

    [Fact]
    public void A_snapshot_of_many_chunks_round_trips_between_two_state_machines_through_the_chunk_path()
    {
        var (source, snapshot) = LeaderWithSnapshot(entries: 1500);
        var follower = OpenStore("follower");
        var target = _machines.Open("target");
        target.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/replaced", 0x1ED, false)));

        var (data, refusal, chunks) = Stream(snapshot, follower);

        Assert.Null(refusal);
        Assert.True(chunks >= 8, $"the snapshot should span several chunks, but took {chunks} of {ChunkBytes} bytes");
        follower.Persist(new HardState(1, 0, snapshot.Index), [], new Snapshot(snapshot.Metadata, data!), sync: true);
        Assert.Equal(StorageStatus.Ok, follower.Snapshot(out var installed));
        target.Restore(installed);
        Assert.Equal(source.ComputeChecksum(), target.ComputeChecksum());
        Assert.Equal(snapshot.Index, target.AppliedIndex);
        Assert.Equal(snapshot.Index + 1, follower.FirstIndex);
        Assert.Single(follower.SnapshotFiles.FileNames);
    }

    [Theory]
    [InlineData("a flipped byte in one chunk", "SHA-256")]
    [InlineData("the last chunk lost its end", "truncated")]
    [InlineData("a stream announced shorter than the file", "trailer")]
    public void A_damaged_or_truncated_chunk_stream_is_refused_with_the_reason_and_the_old_state_stays(string damage, string reason)
    {
        var (_, snapshot) = LeaderWithSnapshot(entries: 600);
        var follower = OpenStore("follower");
        var target = _machines.Open("target");
        target.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/kept", 0x1ED, false)));
        var before = target.ComputeChecksum();

        var (data, refusal, _) = damage switch
        {
            "a flipped byte in one chunk" => Stream(snapshot, follower, damageChunk: (index, bytes) =>
            {
                if (index == 3)
                {
                    bytes[100] ^= 0x01;
                }
            }),
            "the last chunk lost its end" => Stream(snapshot, follower, dropTail: 10),
            _ => Stream(snapshot, follower, announcedLength: snapshot.Data.Length - 1),
        };

        Assert.Null(data);
        Assert.NotNull(refusal);
        Assert.Contains(reason, refusal, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(follower.SnapshotFiles.Directory)); // nothing of the refused transfer is left
        Assert.Equal(StorageStatus.Ok, follower.Snapshot(out var kept));
        Assert.True(kept.IsEmpty);
        Assert.Equal(before, target.ComputeChecksum());
        Assert.True(target.GetFileInfo("/kept", Root).IsOk);
    }

    [Fact]
    public void A_newer_snapshot_deletes_the_older_file_and_a_stream_of_the_older_one_stops_cleanly()
    {
        var (source, first) = LeaderWithSnapshot(entries: 200);
        var leader = _stores[0];
        Assert.True(first.Data.TryRead(0, ChunkBytes, out _));
        var log = RandomCommandLog.Generate(seed: 9, count: 300);
        leader.Persist(new HardState(1, 1, 300), [.. log.Skip(200)], null, sync: true);
        StateMachineFixture.ApplyAll(source, log.Skip(200));

        var second = leader.CreateSnapshot(300, Voters, source.WriteSnapshot);
        leader.Compact(290);

        Assert.False(first.Data.TryRead(ChunkBytes, ChunkBytes, out _), "the superseded file is gone, so the leader moves on to the newer snapshot");
        Assert.Equal([((FileSnapshotData)second.Data).FileName], leader.SnapshotFiles.FileNames);
        Assert.Equal(291ul, leader.FirstIndex);
    }

    [Fact]
    public void After_a_restart_only_the_referenced_snapshot_file_and_no_partial_transfer_is_kept()
    {
        var (_, snapshot) = LeaderWithSnapshot(entries: 100);
        var leader = _stores[0];
        var directory = leader.SnapshotFiles.Directory;
        File.WriteAllText(Path.Combine(directory, "snapshot-00000000000000000001-00000000000000000001-deadbeef.snap"), "left over");
        using (var sink = leader.CreateSnapshotSink(snapshot.Metadata, 100))
        {
            sink.Write(new byte[10]);
            leader.Dispose();
            _stores.Clear();

            var reopened = OpenStore("leader");

            Assert.Equal(StorageStatus.Ok, reopened.Snapshot(out var kept));
            Assert.Equal(snapshot.Index, kept.Index);
            Assert.Equal([((FileSnapshotData)snapshot.Data).FileName], Directory.GetFiles(directory).Select(Path.GetFileName));
        }
    }

    public void Dispose()
    {
        foreach (var store in _stores)
        {
            store.Dispose();
        }

        _machines.Dispose();
        _logs.Dispose();
    }

    /// <summary>A source machine that applied a random log of <paramref name="entries"/>, and its snapshot in the
    /// leader's log store (which holds the same entries).</summary>
    private (JindoMeta.Backend.Raft.StateMachine.NamespaceStateMachine Source, Snapshot Snapshot) LeaderWithSnapshot(int entries)
    {
        var log = RandomCommandLog.Generate(seed: 9, count: entries);
        var source = _machines.Open("source");
        StateMachineFixture.ApplyAll(source, log);
        var leader = OpenStore("leader");
        leader.Persist(new HardState(1, 1, (ulong)entries), log, null, sync: true);
        return (source, leader.CreateSnapshot((ulong)entries, Voters, source.WriteSnapshot));
    }

    private RocksRaftLogStore OpenStore(string name)
    {
        var store = RocksRaftLogStore.Open(_logs.Sub(name), Voters);
        _stores.Add(store);
        return store;
    }

    /// <summary>What the raft core does with a snapshot: the leader reads chunks, the follower writes them into a sink of
    /// its store and completes it.</summary>
    private static (SnapshotData? Data, string? Refusal, int Chunks) Stream(
        Snapshot snapshot, RocksRaftLogStore follower, Action<int, byte[]>? damageChunk = null, int dropTail = 0, ulong? announcedLength = null)
    {
        var length = announcedLength ?? snapshot.Data.Length;
        using var sink = follower.CreateSnapshotSink(snapshot.Metadata, length);
        var chunks = 0;
        for (ulong offset = 0; offset < length; offset += ChunkBytes)
        {
            var count = (int)Math.Min(ChunkBytes, length - offset);
            Assert.True(snapshot.Data.TryRead(offset, count, out var chunk));
            var bytes = chunk.ToArray();
            damageChunk?.Invoke(chunks, bytes);
            var last = offset + (ulong)count >= length;
            sink.Write(last ? bytes.AsSpan(0, bytes.Length - dropTail) : bytes);
            chunks++;
        }

        var data = sink.Complete(out var refusal);
        return (data, refusal, chunks);
    }
}
