using JindoMeta.Backend.Raft.Snapshots;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

public sealed class SnapshotTests
{
    private static readonly CallerIdentity Root = new("root", []);
    private static readonly ulong[] Voters = [1, 2, 3];

    [Fact]
    public void A_restored_snapshot_has_the_source_checksum_and_the_snapshot_index()
    {
        using var fixture = new StateMachineFixture();
        var source = fixture.Open("source");
        StateMachineFixture.ApplyAll(source, RandomCommandLog.Generate(seed: 7, count: 300));
        source.Apply(new Entry(301, 1, []));
        var snapshot = fixture.TakeSnapshot(source, 301);
        var target = fixture.Open("target");
        target.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/other", 0x1ED, false)));

        target.Restore(snapshot);

        Assert.Equal(301ul, target.AppliedIndex);
        Assert.Equal(source.LastChangeIndex, target.LastChangeIndex);
        Assert.Equal(source.ComputeChecksum(), target.ComputeChecksum());
        Assert.Single(Directory.GetDirectories(fixture.PathOf("target"))); // the old store was deleted
    }

    [Fact]
    public void A_snapshot_index_beyond_the_image_applied_index_counts_trailing_empty_entries_as_applied()
    {
        using var fixture = new StateMachineFixture();
        var source = fixture.Open("source");
        source.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/a", 0x1ED, false)));
        var snapshot = fixture.TakeSnapshot(source, 3, term: 2);
        var target = fixture.Open("target");

        // The driver skips empty entries, so the leader's snapshot at index 3 holds a state whose applied index is 1.
        target.Restore(snapshot);

        Assert.Equal(3ul, target.AppliedIndex);
        target.Apply(NamespaceStateMachineTests.Command(4, new MkdirsCommand(Root, "/b", 0x1ED, false)));
        Assert.True(target.GetFileInfo("/b", Root).IsOk);
    }

    [Fact]
    public void Restored_state_survives_reopen()
    {
        using var fixture = new StateMachineFixture();
        var source = fixture.Open("source");
        StateMachineFixture.ApplyAll(source, RandomCommandLog.Generate(seed: 3, count: 100));
        var target = fixture.Open("target");
        target.Restore(fixture.TakeSnapshot(source, 100));
        target.Dispose();

        var reopened = fixture.Open("target");

        Assert.Equal(100ul, reopened.AppliedIndex);
        Assert.Equal(source.ComputeChecksum(), reopened.ComputeChecksum());
    }

    [Theory]
    [InlineData("empty", "truncated")]
    [InlineData("not an archive", "bad magic")]
    [InlineData("a flipped byte on disk", "SHA-256")]
    [InlineData("truncated on disk", "bytes, not the recorded")]
    public void A_damaged_snapshot_stops_the_machine_and_keeps_the_old_state(string damage, string reason)
    {
        using var fixture = new StateMachineFixture();
        var source = fixture.Open("source");
        StateMachineFixture.ApplyAll(source, RandomCommandLog.Generate(seed: 5, count: 50));
        var metadata = new SnapshotMetadata(50, 1, Voters);
        var snapshot = damage switch
        {
            "empty" => new Snapshot(metadata, fixture.Snapshots.Write(metadata, _ => { })),
            "not an archive" => new Snapshot(metadata, fixture.Snapshots.Write(metadata, stream => stream.Write("XMSNAP\u0001"u8))),
            _ => fixture.TakeSnapshot(source, 50),
        };
        var file = ((FileSnapshotData)snapshot.Data).FilePath;
        if (damage == "a flipped byte on disk")
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.Position = stream.Length / 2;
            var value = stream.ReadByte();
            stream.Position = stream.Length / 2;
            stream.WriteByte((byte)(value ^ 0x40));
        }
        else if (damage == "truncated on disk")
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.ReadWrite);
            stream.SetLength(stream.Length / 2);
        }

        var target = fixture.Open("target");
        target.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/kept", 0x1ED, false)));
        var before = target.ComputeChecksum();

        var error = Assert.Throws<StateMachineStoppedException>(() => target.Restore(snapshot));

        Assert.Contains("Restoring the raft snapshot at index 50", error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Equal(before, target.ComputeChecksum());
        target.Dispose();
        Assert.Equal(before, fixture.Open("target").ComputeChecksum());
    }

    [Fact]
    public async Task Reads_running_during_a_restore_finish_on_the_old_state_or_run_on_the_new_one()
    {
        using var fixture = new StateMachineFixture();
        var source = fixture.Open("source");
        source.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/new", 0x1ED, false)));
        var snapshot = fixture.TakeSnapshot(source, 1);
        var target = fixture.Open("target");
        target.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/old", 0x1ED, false)));
        using var stop = new CancellationTokenSource();
        var reads = 0L;
        var readers = Enumerable.Range(0, 2).Select(_ => Task.Factory.StartNew(() =>
        {
            while (!stop.IsCancellationRequested)
            {
                var old = target.GetFileInfo("/old", Root).IsOk;
                var fresh = target.GetFileInfo("/new", Root).IsOk;
                Assert.True(old || fresh, "a read found neither state");
                Interlocked.Increment(ref reads);
            }
        }, TaskCreationOptions.LongRunning)).ToArray();

        SpinWait.SpinUntil(() => Interlocked.Read(ref reads) > 100, TimeSpan.FromSeconds(10));
        target.Restore(snapshot);
        var afterRestore = Interlocked.Read(ref reads);
        SpinWait.SpinUntil(() => Interlocked.Read(ref reads) > afterRestore + 100, TimeSpan.FromSeconds(10));
        stop.Cancel();

        await Task.WhenAll(readers);
        Assert.True(Interlocked.Read(ref reads) > afterRestore + 100, "the readers kept reading across the restore");
        Assert.True(target.GetFileInfo("/new", Root).IsOk);
        Assert.False(target.GetFileInfo("/old", Root).IsOk);
    }
}
