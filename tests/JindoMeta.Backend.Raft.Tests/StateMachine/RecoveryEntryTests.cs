using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

/// <summary>
/// Recovery mode on raft (issue 10): the leader's loads of replica rows and its finish are entries every node applies
/// to its own state, deterministically; the stage, progress record and origin are replicated state.
/// </summary>
public sealed class RecoveryEntryTests
{
    private static readonly CallerIdentity Root = new("root", []);
    private static readonly ReplicaOrigin Origin = new("0123abcd.t7", 57);

    [Fact]
    public void Nodes_that_apply_the_loads_and_the_finish_end_with_the_source_tree_and_equal_states()
    {
        using var fixture = new StateMachineFixture();
        var rows = SourceRows(fixture);
        var nodes = new[] { fixture.Open("a"), fixture.Open("b") };
        var entries = Loads(rows, pageRows: 3).Append<ReplicaEntry>(new RecoveryFinishEntry(Origin.StoreId, Origin.ChangeIndex)).ToList();

        foreach (var node in nodes)
        {
            Assert.Equal(RecoveryStage.Empty, node.RecoveryStage);
            var outcomes = entries.Select((entry, i) => (RecoveryEntryOutcome)node.Apply(Replica((ulong)i + 1, entry))!).ToList();
            Assert.All(outcomes, o => Assert.True(o.Applied));
            Assert.Equal(RecoveryStage.Empty, outcomes[0].Found);
            Assert.All(outcomes.Skip(1), o => Assert.Equal(RecoveryStage.Loading, o.Found));
        }

        var node0 = nodes[0];
        Assert.Equal(nodes[0].ComputeChecksum(), nodes[1].ComputeChecksum());
        Assert.Equal(RecoveryStage.Finished, node0.RecoveryStage);
        Assert.Equal(Origin, node0.RecoveredFrom);
        Assert.Null(node0.RecoveryProgress);
        Assert.Equal((ulong)entries.Count, node0.RecoveryFinishedAt);
        Assert.Equal(Origin.ChangeIndex, node0.LastChangeIndex); // the feed continues after the origin's index
        Assert.Equal(Origin.ChangeIndex + 1, node0.ChangeFeedFirstIndex);
        Assert.Equal(["d", "f"], node0.ListStatus("/t", null, 10, Root).Value.Entries.Select(e => e.Name));
        Assert.Equal(ErrorCode.FileNotFound, node0.GetFileInfo("/gone", Root).Error!.Code);
    }

    [Fact]
    public void The_progress_record_of_the_last_load_is_replicated_and_comes_back_from_a_snapshot()
    {
        using var fixture = new StateMachineFixture();
        var leader = fixture.Open("leader");
        var loads = Loads(SourceRows(fixture), pageRows: 2).ToList();
        for (var i = 0; i < loads.Count; i++)
        {
            leader.Apply(Replica((ulong)i + 1, loads[i]));
        }

        var lagging = fixture.Open("lagging");
        lagging.Restore(fixture.TakeSnapshot(leader, (ulong)loads.Count));

        Assert.Equal(RecoveryStage.Loading, lagging.RecoveryStage);
        Assert.Equal(loads[^1].Progress, lagging.RecoveryProgress);
        Assert.Equal(leader.ComputeChecksum(), lagging.ComputeChecksum());
        Assert.Equal(0ul, lagging.RecoveryFinishedAt);

        lagging.Apply(Replica((ulong)loads.Count + 1, new RecoveryFinishEntry(Origin.StoreId, Origin.ChangeIndex)));
        var finished = fixture.Open("finished");
        finished.Restore(fixture.TakeSnapshot(lagging, (ulong)loads.Count + 1));
        Assert.Equal(RecoveryStage.Finished, finished.RecoveryStage);
        Assert.Equal((ulong)loads.Count + 1, finished.RecoveryFinishedAt); // at or after the finish: a follower whose log reaches it has it
    }

    [Fact]
    public void A_load_into_a_state_with_metadata_of_its_own_changes_nothing()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        machine.Apply(NamespaceStateMachineTests.Command(1, new MkdirsCommand(Root, "/mine", 0x1ED, CreateParent: false)));
        var before = machine.ComputeChecksum(includeAppliedIndex: false);

        var outcome = (RecoveryEntryOutcome)machine.Apply(Replica(2, Loads(SourceRows(fixture), pageRows: 100).First()))!;

        Assert.Equal(new RecoveryEntryOutcome(Applied: false, RecoveryStage.Populated), outcome);
        Assert.Equal(before, machine.ComputeChecksum(includeAppliedIndex: false));
        Assert.Equal(2ul, machine.AppliedIndex);
    }

    [Fact]
    public void A_finish_applies_once_its_origin_again_changes_nothing_and_another_origin_is_refused()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        var early = (RecoveryEntryOutcome)machine.Apply(Replica(1, new RecoveryFinishEntry(Origin.StoreId, Origin.ChangeIndex)))!;
        Assert.Equal(new RecoveryEntryOutcome(Applied: false, RecoveryStage.Empty), early); // nothing loaded: nothing to finish
        machine.Apply(Replica(2, Loads(SourceRows(fixture), pageRows: 100).First()));
        machine.Apply(Replica(3, new RecoveryFinishEntry(Origin.StoreId, Origin.ChangeIndex)));
        var finished = machine.ComputeChecksum(includeAppliedIndex: false);

        var again = (RecoveryEntryOutcome)machine.Apply(Replica(4, new RecoveryFinishEntry(Origin.StoreId, Origin.ChangeIndex)))!;
        var other = (RecoveryEntryOutcome)machine.Apply(Replica(5, new RecoveryFinishEntry("feedbeef", 9)))!;
        var lateLoad = (RecoveryEntryOutcome)machine.Apply(Replica(6, Loads(SourceRows(fixture), pageRows: 100).First()))!;

        Assert.Equal(new RecoveryEntryOutcome(Applied: true, RecoveryStage.Finished), again);
        Assert.Equal(new RecoveryEntryOutcome(Applied: false, RecoveryStage.Finished), other);
        Assert.Equal(new RecoveryEntryOutcome(Applied: false, RecoveryStage.Finished), lateLoad);
        Assert.Equal(finished, machine.ComputeChecksum(includeAppliedIndex: false));
        Assert.Equal(3ul, machine.RecoveryFinishedAt);
    }

    [Fact]
    public void A_recovered_state_reopens_and_its_next_change_follows_the_origins_index()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        var entries = Loads(SourceRows(fixture), pageRows: 100).Append<ReplicaEntry>(new RecoveryFinishEntry(Origin.StoreId, Origin.ChangeIndex)).ToList();
        for (var i = 0; i < entries.Count; i++)
        {
            machine.Apply(Replica((ulong)i + 1, entries[i]));
        }

        machine.Dispose();
        var reopened = fixture.Open("node"); // its feed is empty and starts after the origin: no change's time to read back

        Assert.Equal(RecoveryStage.Finished, reopened.RecoveryStage);
        Assert.Equal((ulong)entries.Count, reopened.RecoveryFinishedAt);
        var created = (Result<FileStatus?>)reopened.Apply(NamespaceStateMachineTests.Command((ulong)entries.Count + 1, new MkdirsCommand(Root, "/t/after", 0x1ED, CreateParent: false)))!;
        Assert.True(created.IsOk, created.ToString());
        Assert.Equal([Origin.ChangeIndex + 1], reopened.ReadChanges(Origin.ChangeIndex + 1, 10).Select(c => c.Index));
        Assert.Equal(RecoveryStage.Populated, reopened.RecoveryStage); // a write makes it the namespace's own metadata
    }

    [Fact]
    public void Recovery_entries_round_trip_and_only_dentry_and_replicated_meta_puts_are_loaded()
    {
        var rows = new List<RowChange>
        {
            new(NamespaceSchema.MetaTable, NamespaceSchema.MetaKeys.NextInodeId, NamespaceSchema.Int64Value(16400)),
            new(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(16385, "f"), [1, 2, 3]),
        };
        var load = Assert.IsType<RecoveryLoadEntry>(ReplicaEntryCodec.Decode(ReplicaEntryCodec.Encode(new RecoveryLoadEntry(rows, [9, 8]))));
        var finish = ReplicaEntryCodec.Decode(ReplicaEntryCodec.Encode(new RecoveryFinishEntry(Origin.StoreId, Origin.ChangeIndex)));

        Assert.Equal([9, 8], load.Progress);
        Assert.Equal(rows.Select(r => (r.Table, Convert.ToHexString(r.Key), Convert.ToHexString(r.Value!))),
            load.Rows.Select(r => (r.Table, Convert.ToHexString(r.Key), Convert.ToHexString(r.Value!))));
        Assert.Equal(new RecoveryFinishEntry(Origin.StoreId, Origin.ChangeIndex), finish);
        Assert.Throws<ArgumentException>(() => ReplicaEntryCodec.Encode(new RecoveryLoadEntry(
            [new RowChange(NamespaceSchema.MetaTable, NamespaceSchema.MetaKeys.AppliedRaftIndex, NamespaceSchema.Int64Value(1))], [])));
        Assert.Throws<ArgumentException>(() => ReplicaEntryCodec.Encode(new RecoveryLoadEntry(
            [new RowChange(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(16385, "f"), null)], [])));

        var tooBig = new RecoveryLoadEntry([rows[1] with { Value = new byte[ReplicaEntryCodec.MaxRecoveryLoadBytes] }], []);
        Assert.Contains("more than a raft entry may", Assert.Throws<ArgumentException>(() => ReplicaEntryCodec.Encode(tooBig)).Message, StringComparison.Ordinal);

        // A meta key that is not replicated, written into a payload by hand, is refused by every node as it decodes.
        var forged = ReplicaEntryCodec.Encode(new RecoveryLoadEntry([rows[0]], []));
        "trimmed-index"u8.CopyTo(forged.AsSpan(forged.AsSpan().IndexOf("next-inode-id"u8))); // as long, another key
        Assert.Contains("not a dentry or replicated meta row", Assert.Throws<FormatException>(() => ReplicaEntryCodec.Decode(forged)).Message, StringComparison.Ordinal);
    }

    /// <summary>The replicated rows of a small tree (what the replica table holds of it), built by a state machine of its own.</summary>
    private static List<RowChange> SourceRows(StateMachineFixture fixture)
    {
        var source = fixture.Open($"source-{Guid.NewGuid():N}");
        NamespaceCommand[] commands =
        [
            new MkdirsCommand(Root, "/t/d", 0x1ED, CreateParent: true),
            new CreateFileCommand(Root, "/t/f", 0x1A4, false, false, 3, 128L << 20),
            new MkdirsCommand(Root, "/gone", 0x1ED, CreateParent: false),
            new DeleteCommand(Root, "/gone", Recursive: false),
        ];
        for (var i = 0; i < commands.Length; i++)
        {
            source.Apply(NamespaceStateMachineTests.Command((ulong)i + 1, commands[i]));
        }

        using var snapshot = source.OpenReplicaSnapshot();
        return [.. snapshot.Rows()];
    }

    /// <summary>The rows in pages, each with a progress record that counts the rows loaded so far (as the recovery's would).</summary>
    private static IEnumerable<RecoveryLoadEntry> Loads(List<RowChange> rows, int pageRows) =>
        rows.Chunk(pageRows).Select((page, i) => new RecoveryLoadEntry(page, BitConverter.GetBytes((i * pageRows) + page.Length)));

    private static Entry Replica(ulong index, ReplicaEntry entry) => new(index, 1, ReplicaEntryCodec.Encode(entry));
}
