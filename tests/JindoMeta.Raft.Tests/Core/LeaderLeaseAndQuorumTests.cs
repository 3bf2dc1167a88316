using JindoMeta.Raft.Tests.Harness;

namespace JindoMeta.Raft.Tests.Core;

public sealed class LeaderLeaseAndQuorumTests
{
    [Fact]
    public void Lease_based_read_is_answered_without_a_heartbeat_round()
    {
        var cluster = new TestCluster(3, configure: o => { o.CheckQuorum = true; o.ReadOnlyMode = ReadOnlyMode.LeaseBased; });
        cluster.Campaign(1);
        var leader = cluster[1];

        Assert.Equal(RequestStatus.Accepted, leader.Raft.ReadIndex(7));
        var messages = leader.ProcessReady();

        Assert.Empty(messages);
        Assert.Equal(new ReadState(leader.Raft.Committed, 7), Assert.Single(leader.ReadStates));
    }

    [Fact]
    public void Lease_reads_require_check_quorum()
    {
        var storage = new MemoryRaftStorage([1, 2, 3]);
        var error = Assert.Throws<ArgumentException>(() => new RaftNode(new RaftOptions { Id = 1, Storage = storage, ReadOnlyMode = ReadOnlyMode.LeaseBased, CheckQuorum = false }));
        Assert.Contains("CheckQuorum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Safe_read_index_needs_a_quorum_of_heartbeat_acknowledgements()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Isolate(1);
        cluster.Raft(1).ReadIndex(1);
        cluster.Stabilize();
        Assert.Empty(cluster[1].ReadStates);

        cluster.Heal();
        cluster.TickAll(1);
        Assert.Equal(1ul, Assert.Single(cluster[1].ReadStates).RequestId);
    }

    [Fact]
    public void New_leader_defers_read_index_until_an_entry_of_its_term_commits()
    {
        var cluster = new TestCluster(3);
        cluster.Raft(1).Campaign();
        cluster.ProcessReadys();
        foreach (var message in cluster.InFlight.ToList())
        {
            cluster.Raft(message.To).Step(message);
        }

        cluster.InFlight.Clear();
        cluster.ProcessReadys();
        var leader = cluster.Raft(1);
        foreach (var vote in cluster.InFlight.Where(m => m.Type == MessageType.RequestVoteResponse).ToList())
        {
            leader.Step(vote);
        }

        cluster.InFlight.Clear();
        Assert.Equal(RaftRole.Leader, leader.Role);
        leader.ReadIndex(9);
        cluster[1].ProcessReady();
        Assert.Empty(cluster[1].ReadStates);

        cluster.Stabilize();
        cluster.TickAll(1);
        Assert.Equal(9ul, Assert.Single(cluster[1].ReadStates).RequestId);
    }

    [Fact]
    public void Votes_are_refused_while_a_leader_is_heard_and_granted_for_a_transfer()
    {
        var cluster = new TestCluster(3, configure: o => o.CheckQuorum = true);
        cluster.Campaign(1);
        var follower = cluster.Raft(2);
        var term = follower.Term;

        follower.Step(new Message { Type = MessageType.RequestVote, From = 3, To = 2, Term = term + 1, Index = 10, LogTerm = term });
        Assert.Equal(term, follower.Term);

        follower.Step(new Message { Type = MessageType.RequestVote, From = 3, To = 2, Term = term + 1, Index = 10, LogTerm = term, LeadershipTransfer = true });
        Assert.Equal(term + 1, follower.Term);
        Assert.Equal(3ul, follower.Vote);
    }

    [Fact]
    public void Restart_with_a_state_machine_ahead_of_the_stored_commit_index_adopts_it()
    {
        var storage = new MemoryRaftStorage([1, 2, 3]);
        storage.Append([new Entry(1, 1, []), new Entry(2, 1, [1])]);
        storage.SetHardState(new HardState(1, 1, 1));

        var node = new RaftNode(new RaftOptions { Id = 1, Storage = storage, Applied = 2 });

        Assert.Equal(2ul, node.Committed);
        Assert.Equal(2ul, node.Applied);
    }
}
