using System.Text;
using JindoMeta.Raft.Tests.Harness;

namespace JindoMeta.Raft.Tests.Paper;

/// <summary>Rules of the Raft paper about log replication and commitment (§5.3, §5.4.2), each quoting its sentence.</summary>
public sealed class ReplicationPaperTests
{
    private static byte[] Bytes(string text) => Encoding.UTF8.GetBytes(text);

    /// <summary>§5.3: "The leader appends the command to its log as a new entry, then issues AppendEntries RPCs in parallel
    /// to each of the other servers to replicate the entry."</summary>
    [Fact]
    public void Section5_3_LeaderAppendsThenSendsAppendEntriesToEveryFollower()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        var leader = cluster[1];

        var result = leader.Raft.Propose(Bytes("x"));

        Assert.Equal(ProposeStatus.Accepted, result.Status);
        var messages = leader.ProcessReady();
        Assert.Equal(result.LastIndex, leader.Storage.LastIndex);
        var appends = messages.Where(m => m.Type == MessageType.Append).ToList();
        Assert.Equal([2ul, 3ul], appends.Select(m => m.To).Order());
        Assert.All(appends, m => Assert.Equal(result.LastIndex, Assert.Single(m.Entries).Index));
    }

    /// <summary>§5.3: "A log entry is committed once the leader that created the entry has replicated it on a majority of
    /// the servers".</summary>
    [Theory]
    [InlineData(3, 0, false)]
    [InlineData(3, 1, true)]
    [InlineData(5, 1, false)]
    [InlineData(5, 2, true)]
    [InlineData(5, 4, true)]
    public void Section5_3_EntryCommitsOnceReplicatedOnMajority(int size, int acknowledging, bool committed)
    {
        var cluster = new TestCluster(size);
        cluster.Campaign(1);
        var leader = cluster.Raft(1);
        var result = leader.Propose(Bytes("x"));
        foreach (var follower in Enumerable.Range(2, acknowledging))
        {
            leader.Step(new Message { Type = MessageType.AppendResponse, From = (ulong)follower, To = 1, Term = leader.Term, Index = result.LastIndex });
        }

        Assert.Equal(committed, leader.Committed >= result.LastIndex);
    }

    /// <summary>§5.3: "The leader keeps track of the highest index it knows to be committed, and it includes that index in
    /// future AppendEntries RPCs (including heartbeats) so that the other servers eventually find out. Once a follower
    /// learns that a log entry is committed, it applies the entry to its local state machine (in log order)."</summary>
    [Fact]
    public void Section5_3_FollowersLearnCommitIndexAndApplyInLogOrder()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        foreach (var name in new[] { "a", "b", "c" })
        {
            cluster.Propose(1, name);
        }

        cluster.TickAll(1);
        foreach (var node in cluster.Nodes.Values)
        {
            var applied = node.Applied.Where(e => e.Data.Length > 0).Select(e => Encoding.UTF8.GetString(e.Data));
            Assert.Equal(["a", "b", "c"], applied);
            Assert.Equal(node.Applied.Select(e => e.Index).Order(), node.Applied.Select(e => e.Index));
        }
    }

    /// <summary>§5.3: "When sending an AppendEntries RPC, the leader includes the index and term of the entry in its log
    /// that immediately precedes the new entries. If the follower does not find an entry in its log with the same index and
    /// term, then it refuses the new entries."</summary>
    [Theory]
    [InlineData(2ul, 2ul, false)]
    [InlineData(2ul, 3ul, true)]
    [InlineData(3ul, 3ul, true)]
    [InlineData(0ul, 0ul, false)]
    [InlineData(1ul, 1ul, false)]
    public void Section5_3_FollowerRefusesEntriesWhosePredecessorDoesNotMatch(ulong prevIndex, ulong prevTerm, bool rejected)
    {
        var follower = new TestNode(1, [1, 2, 3], seed: 1, prepare: storage =>
        {
            storage.Append([new Entry(1, 1, []), new Entry(2, 2, [])]);
            storage.SetHardState(new HardState(2, 0, 0));
        });

        follower.Raft.Step(new Message
        {
            Type = MessageType.Append, From = 2, To = 1, Term = 3, Index = prevIndex, LogTerm = prevTerm,
            Entries = [new Entry(prevIndex + 1, 3, Bytes("n"))],
        });

        var response = Assert.Single(follower.ProcessReady());
        Assert.Equal(rejected, response.Reject);
    }

    /// <summary>§5.3 (figure 2, AppendEntries rule 3): "If an existing entry conflicts with a new one (same index but
    /// different terms), delete the existing entry and all that follow it".</summary>
    [Fact]
    public void Section5_3_ConflictingFollowerSuffixIsReplaced()
    {
        var follower = new TestNode(1, [1, 2, 3], seed: 1, prepare: storage =>
        {
            storage.Append([new Entry(1, 1, []), new Entry(2, 2, []), new Entry(3, 2, []), new Entry(4, 2, [])]);
            storage.SetHardState(new HardState(2, 0, 0));
        });

        follower.Raft.Step(new Message
        {
            Type = MessageType.Append, From = 2, To = 1, Term = 3, Index = 1, LogTerm = 1,
            Entries = [new Entry(2, 3, Bytes("new"))],
        });
        follower.ProcessReady();

        Assert.Equal(2ul, follower.Storage.LastIndex);
        Assert.Equal(StorageStatus.Ok, follower.Storage.Term(2, out var term));
        Assert.Equal(3ul, term);
    }

    /// <summary>§5.3 (Log Matching, figure 7): "the leader handles inconsistencies by forcing the followers' logs to
    /// duplicate its own" — for each of the paper's follower logs (a)-(f) against the leader of term 8, the follower ends
    /// with a log identical to the leader's.</summary>
    [Theory]
    [InlineData(new ulong[] { 1, 1, 1, 4, 4, 5, 5, 6, 6 })]
    [InlineData(new ulong[] { 1, 1, 1, 4 })]
    [InlineData(new ulong[] { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 6 })]
    [InlineData(new ulong[] { 1, 1, 1, 4, 4, 5, 5, 6, 6, 6, 7, 7 })]
    [InlineData(new ulong[] { 1, 1, 1, 4, 4, 4, 4 })]
    [InlineData(new ulong[] { 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3 })]
    public void Section5_3_LogMatching_LeaderForcesFollowerLogToMatch(ulong[] followerTerms)
    {
        ulong[] leaderTerms = [1, 1, 1, 4, 4, 5, 5, 6, 6, 6];
        var cluster = new TestCluster(3);
        cluster.SetLog(1, leaderTerms, 7);
        cluster.SetLog(2, followerTerms, 7);
        cluster.SetLog(3, leaderTerms, 7);
        cluster.Isolate(2);
        cluster.Campaign(1);
        Assert.Equal(RaftRole.Leader, cluster.Raft(1).Role);
        cluster.Heal();

        cluster.Propose(1, "x");
        cluster.TickAll(1);

        var leaderLog = cluster.Log(1).Select(e => (e.Index, e.Term));
        Assert.Equal(leaderLog, cluster.Log(2).Select(e => (e.Index, e.Term)));
    }

    /// <summary>§5.4.2 (figure 8): "Raft never commits log entries from previous terms by counting replicas. Only log
    /// entries from the leader's current term are committed by counting replicas".</summary>
    [Fact]
    public void Section5_4_2_LeaderDoesNotCommitPreviousTermEntryByCountingReplicas()
    {
        var cluster = new TestCluster(3);
        cluster.SetLog(1, [1, 2], 3);
        cluster.SetLog(2, [1], 3);
        cluster.SetLog(3, [1], 3);
        cluster.Isolate(2);
        cluster.Isolate(3);
        cluster.Raft(1).Campaign();
        var leader = cluster.Raft(1);
        leader.Step(new Message { Type = MessageType.RequestVoteResponse, From = 2, To = 1, Term = leader.Term });
        Assert.Equal(RaftRole.Leader, leader.Role);
        cluster[1].ProcessReady();

        // A follower acknowledges the term-2 entry at index 2 but not the new leader's own entry at index 3.
        leader.Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = leader.Term, Index = 2 });
        Assert.Equal(0ul, leader.Committed);

        // Once the current-term entry is on a majority, it and everything before it commit.
        leader.Step(new Message { Type = MessageType.AppendResponse, From = 2, To = 1, Term = leader.Term, Index = 3 });
        Assert.Equal(3ul, leader.Committed);
    }

    /// <summary>§5.3: "If followers crash or run slowly, or if network packets are lost, the leader retries AppendEntries
    /// RPCs indefinitely ... until all followers eventually store all log entries."</summary>
    [Fact]
    public void Section5_3_LeaderRetriesUntilLaggingFollowerCatchesUp()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(3);
        for (var i = 0; i < 20; i++)
        {
            cluster.Propose(1, $"v{i}");
        }

        Assert.True(cluster.Raft(3).LastIndex < cluster.Raft(1).LastIndex);
        cluster.Heal();
        cluster.TickAll(3);

        Assert.Equal(cluster.Log(1).Select(e => (e.Index, e.Term)), cluster.Log(3).Select(e => (e.Index, e.Term)));
        Assert.Equal(cluster.Raft(1).Committed, cluster.Raft(3).Committed);
    }
}
