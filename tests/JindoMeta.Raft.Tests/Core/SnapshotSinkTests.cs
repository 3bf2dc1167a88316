namespace JindoMeta.Raft.Tests.Core;

/// <summary>The follower's side of snapshot streaming with a sink that checks what arrived (as a file sink checks its
/// checksum): a refused snapshot is never installed, and the leader is asked to start over.</summary>
public sealed class SnapshotSinkTests
{
    private static readonly ulong[] Voters = [1, 2, 3];

    [Fact]
    public void A_snapshot_the_sink_refuses_is_not_installed_and_the_follower_asks_for_offset_zero_again()
    {
        var storage = new RefusingOnceStorage(new MemoryRaftStorage(Voters));
        var follower = new RaftNode(new RaftOptions { Id = 2, Voters = Voters, Storage = storage, Random = new Random(1) });

        follower.Step(Chunk());
        var refused = follower.GetReady();
        follower.Advance(refused);

        Assert.Null(refused.Snapshot);
        var response = Assert.Single(refused.Messages);
        Assert.Equal((MessageType.SnapshotChunkResponse, true, 0ul), (response.Type, response.Reject, response.RejectHint));
        Assert.Contains("damaged in transit", follower.LastSnapshotRefusal, StringComparison.Ordinal);
        Assert.Equal(0ul, follower.Committed);

        follower.Step(Chunk());
        var installed = follower.GetReady();

        Assert.Equal(10ul, installed.Snapshot?.Index);
        Assert.Equal("abcd"u8.ToArray(), installed.Snapshot!.Data.ToArray());
        var accepted = Assert.Single(installed.Messages);
        Assert.Equal((MessageType.AppendResponse, 10ul), (accepted.Type, accepted.Index));
    }

    private static Message Chunk() => new()
    {
        Type = MessageType.SnapshotChunk,
        From = 1,
        To = 2,
        Term = 1,
        Index = 10,
        SnapshotMetadata = new SnapshotMetadata(10, 1, Voters),
        ChunkOffset = 0,
        SnapshotSize = 4,
        ChunkData = "abcd"u8.ToArray(),
    };

    /// <summary>Memory storage whose first snapshot sink refuses on completion.</summary>
    private sealed class RefusingOnceStorage(MemoryRaftStorage inner) : IRaftStorage
    {
        private bool _refused;

        public ulong FirstIndex => inner.FirstIndex;

        public ulong LastIndex => inner.LastIndex;

        public RaftInitialState InitialState() => inner.InitialState();

        public StorageStatus Entries(ulong low, ulong high, ulong maxBytes, List<Entry> into) => inner.Entries(low, high, maxBytes, into);

        public StorageStatus Term(ulong index, out ulong term) => inner.Term(index, out term);

        public StorageStatus Snapshot(out Snapshot snapshot) => inner.Snapshot(out snapshot);

        public SnapshotSink CreateSnapshotSink(SnapshotMetadata metadata, ulong length)
        {
            var refuse = !_refused;
            _refused = true;
            return refuse ? new RefusingSink() : inner.CreateSnapshotSink(metadata, length);
        }

        private sealed class RefusingSink : SnapshotSink
        {
            public override void Write(ReadOnlySpan<byte> chunk)
            {
            }

            public override SnapshotData? Complete(out string? refusal)
            {
                refusal = "damaged in transit";
                return null;
            }
        }
    }
}
