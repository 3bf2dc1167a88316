using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

/// <summary>The rows the raft leader's uploader starts a replica from, streamed a page at a time.</summary>
public sealed class ReplicaSnapshotTests
{
    private static readonly CallerIdentity Root = new("root", []);

    [Fact]
    public void A_replica_snapshot_streams_every_dentry_at_its_change_index_and_no_later_change()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        const int directories = 2500; // more than two pages
        for (var i = 1; i <= directories; i++)
        {
            machine.Apply(NamespaceStateMachineTests.Command((ulong)i, new MkdirsCommand(Root, $"/d{i:D5}", 0x1ED, CreateParent: false)));
        }

        using var snapshot = machine.OpenReplicaSnapshot();
        machine.Apply(NamespaceStateMachineTests.Command(directories + 1, new MkdirsCommand(Root, "/later", 0x1ED, CreateParent: false)));
        var rows = snapshot.Rows().ToList();

        Assert.Equal(directories, snapshot.ChangeIndex);
        var dentries = rows.Where(r => r.Table == NamespaceSchema.DentriesTable).Select(r => NamespaceSchema.ParseDentryKey(r.Key).Name).ToList();
        Assert.Equal(Enumerable.Range(1, directories).Select(i => $"d{i:D5}").Prepend(""), dentries); // the root's row, then key order
        Assert.Equal(NamespaceSchema.MetaTable, rows[^1].Table); // the inode counter last
        Assert.InRange(machine.EstimatedRows, 1, 10 * directories);
    }

    [Fact]
    public void A_restore_releases_an_open_replica_snapshot_whose_next_page_then_fails_as_retryable()
    {
        using var fixture = new StateMachineFixture();
        var source = fixture.Open("source");
        StateMachineFixture.ApplyAll(source, RandomCommandLog.Generate(seed: 5, count: 50));
        var follower = fixture.Open("follower");
        for (var i = 1; i <= 1500; i++)
        {
            follower.Apply(NamespaceStateMachineTests.Command((ulong)i, new MkdirsCommand(Root, $"/f{i}", 0x1ED, CreateParent: false)));
        }

        using var snapshot = follower.OpenReplicaSnapshot();
        using var rows = snapshot.Rows().GetEnumerator();
        Assert.True(rows.MoveNext()); // the first page is read

        follower.Restore(fixture.TakeSnapshot(source, 2000));

        var error = Assert.Throws<IOException>(() =>
        {
            while (rows.MoveNext())
            {
            }
        });
        Assert.Contains("replaced the state", error.Message, StringComparison.Ordinal);
        using var fresh = follower.OpenReplicaSnapshot(); // a new one reads the restored state
        Assert.Equal(source.LastChangeIndex, fresh.ChangeIndex);
    }
}
