using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

/// <summary>
/// The uploader's bookkeeping entries (issue 10 on raft): the cluster-wide replica store id and "feed uploaded
/// through N", applied identically on every node.
/// </summary>
public sealed class ReplicaEntryTests
{
    private static readonly CallerIdentity Root = new("root", []);
    private static readonly byte[] FirstId = [.. Enumerable.Range(1, 16).Select(i => (byte)i)];
    private static readonly byte[] SecondId = [.. Enumerable.Range(101, 16).Select(i => (byte)i)];

    [Fact]
    public void The_first_identity_entry_sets_the_store_id_and_a_later_one_keeps_it()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        Assert.Null(machine.ReplicaStoreId);

        var first = machine.Apply(Replica(1, new ReplicaIdentityEntry(FirstId)));
        var second = machine.Apply(Replica(2, new ReplicaIdentityEntry(SecondId)));

        Assert.Equal(Convert.ToHexStringLower(FirstId), first);
        Assert.Equal(Convert.ToHexStringLower(FirstId), second);
        Assert.Equal(Convert.ToHexStringLower(FirstId), machine.ReplicaStoreId);
        Assert.Equal(2ul, machine.AppliedIndex);
        Assert.Equal(0, machine.LastChangeIndex); // no change-feed entry
    }

    [Fact]
    public void The_store_id_is_replicated_state_in_checksums_and_snapshots()
    {
        using var fixture = new StateMachineFixture();
        var withId = fixture.Open("with-id");
        var withOtherId = fixture.Open("with-other-id");
        withId.Apply(Replica(1, new ReplicaIdentityEntry(FirstId)));
        withOtherId.Apply(Replica(1, new ReplicaIdentityEntry(SecondId)));
        var target = fixture.Open("target");

        target.Restore(fixture.TakeSnapshot(withId, 1));

        Assert.NotEqual(withId.ComputeChecksum(), withOtherId.ComputeChecksum());
        Assert.Equal(withId.ComputeChecksum(), target.ComputeChecksum());
        Assert.Equal(Convert.ToHexStringLower(FirstId), target.ReplicaStoreId);
    }

    [Fact]
    public void A_feed_uploaded_entry_trims_the_feed_through_its_index_and_never_past_the_last_change()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        for (ulong i = 1; i <= 5; i++)
        {
            machine.Apply(NamespaceStateMachineTests.Command(i, new MkdirsCommand(Root, $"/d{i}", 0x1ED, CreateParent: false)));
        }

        machine.Apply(Replica(6, new FeedUploadedEntry(3)));
        Assert.Equal(4, machine.ChangeFeedFirstIndex);
        Assert.Equal([4L, 5L], machine.ReadChanges(4, 10).Select(c => c.Index));
        Assert.Throws<ArgumentOutOfRangeException>(() => machine.ReadChanges(3, 10));

        machine.Apply(Replica(7, new FeedUploadedEntry(2))); // behind the trim: nothing
        Assert.Equal(4, machine.ChangeFeedFirstIndex);
        machine.Apply(Replica(8, new FeedUploadedEntry(99))); // beyond the last change: trims through it only
        Assert.Equal(6, machine.ChangeFeedFirstIndex);
        Assert.Equal(5, machine.LastChangeIndex);

        machine.Apply(NamespaceStateMachineTests.Command(9, new MkdirsCommand(Root, "/d6", 0x1ED, CreateParent: false)));
        Assert.Equal([6L], machine.ReadChanges(6, 10).Select(c => c.Index)); // later changes are kept
    }

    [Fact]
    public void A_state_whose_feed_was_trimmed_through_its_last_change_reopens()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        machine.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/a", 0x1ED, CreateParent: false)));
        machine.Apply(Replica(2, new FeedUploadedEntry(1)));
        machine.Dispose();

        var reopened = fixture.Open("node"); // no change left in the feed to read the newest change's time from

        Assert.Equal(1, reopened.LastChangeIndex);
        Assert.Equal(2, reopened.ChangeFeedFirstIndex);
    }

    [Fact]
    public void Nodes_applying_the_same_entries_with_trims_have_equal_states()
    {
        using var fixture = new StateMachineFixture();
        var machines = new[] { fixture.Open("a"), fixture.Open("b") };
        var log = RandomCommandLog.Generate(seed: 11, count: 200).ToList();
        var entries = new List<Entry>();
        foreach (var entry in log)
        {
            entries.Add(new Entry((ulong)entries.Count + 1, 1, entry.Data));
            if (entries.Count % 50 == 0)
            {
                entries.Add(Replica((ulong)entries.Count + 1, new FeedUploadedEntry(entries.Count / 3)));
            }
        }

        foreach (var machine in machines)
        {
            StateMachineFixture.ApplyAll(machine, entries);
        }

        Assert.True(machines[0].ChangeFeedFirstIndex > 1);
        Assert.Equal(machines[0].ComputeChecksum(), machines[1].ComputeChecksum());
    }

    [Fact]
    public void A_malformed_replica_entry_stops_the_machine()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        var entry = Replica(1, new FeedUploadedEntry(1));
        entry.Data[1] = 9; // an unknown kind

        var error = Assert.Throws<StateMachineStoppedException>(() => machine.Apply(entry));

        Assert.Contains("unknown kind 9", error.Message, StringComparison.Ordinal);
        Assert.Equal(0ul, machine.AppliedIndex);
    }

    [Fact]
    public void Replica_entries_round_trip_and_are_told_from_commands_by_their_first_byte()
    {
        var identity = ReplicaEntryCodec.Encode(new ReplicaIdentityEntry(FirstId));
        var uploaded = ReplicaEntryCodec.Encode(new FeedUploadedEntry(123_456));
        var command = NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/a", 0x1ED, false)).Data;

        Assert.Equal(FirstId, Assert.IsType<ReplicaIdentityEntry>(ReplicaEntryCodec.Decode(identity)).StoreId);
        Assert.Equal(new FeedUploadedEntry(123_456), ReplicaEntryCodec.Decode(uploaded));
        Assert.True(ReplicaEntryCodec.Holds(identity));
        Assert.False(ReplicaEntryCodec.Holds(command));
        Assert.Throws<FormatException>(() => ReplicaEntryCodec.Decode([.. uploaded, 0]));
        Assert.Throws<FormatException>(() => NamespaceCommandCodec.Decode(uploaded)); // an older node refuses, never skips
    }

    private static Entry Replica(ulong index, ReplicaEntry entry) => new(index, 1, ReplicaEntryCodec.Encode(entry));
}
