using JindoMeta.Raft.Tests.Harness;

namespace JindoMeta.Raft.Tests.Paper;

/// <summary>Rules of the Raft paper (Ongaro &amp; Ousterhout, "In Search of an Understandable Consensus Algorithm",
/// extended version) about terms and elections. Each test names the section and quotes the sentence it checks.</summary>
public sealed class ElectionPaperTests
{
    private static Message Msg(MessageType type, ulong from, ulong to, ulong term, ulong index = 0, ulong logTerm = 0, ulong commit = 0, Entry[]? entries = null)
        => new() { Type = type, From = from, To = to, Term = term, Index = index, LogTerm = logTerm, Commit = commit, Entries = entries ?? [] };

    private static TestCluster ElectedCluster(int size, ulong leader)
    {
        var cluster = new TestCluster(size);
        cluster.Campaign(leader);
        return cluster;
    }

    /// <summary>§5.1: "If one server's current term is smaller than the other's, then it updates its current term to the
    /// larger value. If a candidate or leader discovers that its term is out of date, it immediately reverts to follower state."</summary>
    [Theory]
    [InlineData(RaftRole.Follower)]
    [InlineData(RaftRole.Candidate)]
    [InlineData(RaftRole.Leader)]
    public void Section5_1_NodeSeeingHigherTermUpdatesTermAndBecomesFollower(RaftRole role)
    {
        var cluster = new TestCluster(3);
        var node = cluster.Raft(1);
        if (role == RaftRole.Candidate)
        {
            node.Campaign();
        }
        else if (role == RaftRole.Leader)
        {
            cluster.Campaign(1);
        }

        Assert.Equal(role, node.Role);
        var higher = node.Term + 5;
        node.Step(Msg(MessageType.Append, 2, 1, higher));

        Assert.Equal(higher, node.Term);
        Assert.Equal(RaftRole.Follower, node.Role);
        Assert.Equal(2ul, node.Leader);
    }

    /// <summary>§5.1: "If a server receives a request with a stale term number, it rejects the request."</summary>
    [Fact]
    public void Section5_1_RequestWithStaleTermIsRejected()
    {
        var cluster = new TestCluster(3);
        cluster[1].SetTermForTest(5);
        var node = cluster.Raft(1);
        node.Step(Msg(MessageType.Append, 2, 1, 3, index: 0, logTerm: 0, entries: [new Entry(1, 3, [1])]));
        node.Step(Msg(MessageType.RequestVote, 3, 1, 4));

        Assert.Equal(5ul, node.Term);
        Assert.Equal(0ul, node.LastIndex);
        Assert.Equal(0ul, node.Vote);
    }

    /// <summary>§5.2: "If followers receive no communication over a period of time called the election timeout, then they
    /// assume there is no viable leader and begin an election to choose a new leader. To begin an election, a follower
    /// increments its current term and transitions to candidate state. It then votes for itself and issues RequestVote RPCs
    /// in parallel to each of the other servers in the cluster."</summary>
    [Fact]
    public void Section5_2_FollowerStartsElectionAfterTimeout()
    {
        var node = new TestNode(1, [1, 2, 3], seed: 3);
        for (var i = 0; i < 2 * 10; i++)
        {
            node.Raft.Tick();
        }

        Assert.Equal(RaftRole.Candidate, node.Raft.Role);
        Assert.Equal(1ul, node.Raft.Term);
        Assert.Equal(1ul, node.Raft.Vote);
        var messages = node.ProcessReady();
        Assert.Equal([2ul, 3ul], messages.Select(m => m.To).Order());
        Assert.All(messages, m => Assert.Equal(MessageType.RequestVote, m.Type));
        Assert.All(messages, m => Assert.Equal(1ul, m.Term));
    }

    /// <summary>§5.2: "Raft uses randomized election timeouts ... election timeouts are chosen randomly from a fixed
    /// interval (e.g., 150–300ms)." Here the interval is [ElectionTicks, 2 * ElectionTicks).</summary>
    [Fact]
    public void Section5_2_ElectionTimeoutsAreRandomizedWithinOneInterval()
    {
        var observed = new HashSet<int>();
        for (var seed = 0; seed < 200; seed++)
        {
            var node = new TestNode(1, [1, 2, 3], seed);
            var ticks = 0;
            while (node.Raft.Role == RaftRole.Follower)
            {
                node.Raft.Tick();
                ticks++;
            }

            Assert.InRange(ticks, 10, 19);
            observed.Add(ticks);
        }

        Assert.True(observed.Count > 5, $"only {observed.Count} distinct timeouts seen");
    }

    /// <summary>§5.2: "A candidate wins an election if it receives votes from a majority of the servers in the full cluster
    /// for the same term." and "Once a candidate wins an election, it becomes leader."</summary>
    [Theory]
    [InlineData(1, new ulong[] { }, RaftRole.Leader)]
    [InlineData(3, new ulong[] { 2 }, RaftRole.Leader)]
    [InlineData(3, new ulong[] { }, RaftRole.Candidate)]
    [InlineData(5, new ulong[] { 2 }, RaftRole.Candidate)]
    [InlineData(5, new ulong[] { 2, 3 }, RaftRole.Leader)]
    public void Section5_2_CandidateWinsOnlyWithMajority(int size, ulong[] granting, RaftRole expected)
    {
        var cluster = new TestCluster(size);
        var node = cluster.Raft(1);
        node.Campaign();
        foreach (var voter in granting)
        {
            node.Step(new Message { Type = MessageType.RequestVoteResponse, From = voter, To = 1, Term = node.Term });
        }

        Assert.Equal(expected, node.Role);
    }

    /// <summary>§5.2: "Each server will vote for at most one candidate in a given term, on a first-come-first-served basis."</summary>
    [Fact]
    public void Section5_2_VoterGrantsAtMostOneVotePerTerm()
    {
        var voter = new TestNode(1, [1, 2, 3], seed: 1);
        voter.Raft.Step(Msg(MessageType.RequestVote, 2, 1, 1));
        voter.Raft.Step(Msg(MessageType.RequestVote, 3, 1, 1));
        voter.Raft.Step(Msg(MessageType.RequestVote, 2, 1, 1));

        var responses = voter.ProcessReady().Where(m => m.Type == MessageType.RequestVoteResponse).ToList();
        Assert.Equal([false, true, false], responses.Select(m => m.Reject));
        Assert.Equal([2ul, 3ul, 2ul], responses.Select(m => m.To));
        Assert.Equal(2ul, voter.Raft.Vote);
    }

    /// <summary>§5.2: "While waiting for votes, a candidate may receive an AppendEntries RPC from another server claiming to be
    /// leader. If the leader's term (included in its RPC) is at least as large as the candidate's current term, then the
    /// candidate recognizes the leader as legitimate and returns to follower state."</summary>
    [Fact]
    public void Section5_2_CandidateRecognizesLeaderOfSameTerm()
    {
        var node = new TestNode(1, [1, 2, 3], seed: 1);
        node.Raft.Campaign();
        Assert.Equal(RaftRole.Candidate, node.Raft.Role);

        node.Raft.Step(Msg(MessageType.Append, 2, 1, node.Raft.Term));

        Assert.Equal(RaftRole.Follower, node.Raft.Role);
        Assert.Equal(2ul, node.Raft.Leader);
    }

    /// <summary>§5.2 (Election Safety, figure 3): "at most one leader can be elected in a given term." Two candidates
    /// campaign in the same term; whatever the delivery order, at most one wins.</summary>
    [Fact]
    public void Section5_2_ElectionSafety_TwoCandidatesSameTermAtMostOneLeader()
    {
        for (var order = 0; order < 2; order++)
        {
            var cluster = new TestCluster(5);
            cluster.Raft(1).Campaign();
            cluster.Raft(2).Campaign();
            cluster.ProcessReadys();
            if (order == 1)
            {
                cluster.InFlight.Reverse();
            }

            cluster.Stabilize();
            var leadersByTerm = cluster.Nodes.Values.Where(n => n.Raft.Role == RaftRole.Leader).GroupBy(n => n.Raft.Term);
            Assert.All(leadersByTerm, group => Assert.Single(group));
        }
    }

    /// <summary>§5.4.1: "The RequestVote RPC implements this restriction: the RPC includes information about the candidate's
    /// log, and the voter denies its vote if its own log is more up-to-date than that of the candidate." and "If the logs
    /// have last entries with different terms, then the log with the later term is more up-to-date. If the logs end with the
    /// same term, then whichever log is longer is more up-to-date."</summary>
    [Theory]
    [InlineData(2ul, 2ul, true)] // the voter holds (index 2, term 2): equal logs are up to date
    [InlineData(3ul, 2ul, true)]
    [InlineData(1ul, 2ul, false)]
    [InlineData(1ul, 3ul, true)]
    [InlineData(5ul, 1ul, false)]
    public void Section5_4_1_VoterDeniesCandidateWithLessUpToDateLog(ulong candidateLastIndex, ulong candidateLastTerm, bool granted)
    {
        var voter = new TestNode(1, [1, 2, 3], seed: 1, prepare: storage =>
        {
            storage.Append([new Entry(1, 1, []), new Entry(2, 2, [])]);
            storage.SetHardState(new HardState(2, 0, 0));
        });

        voter.Raft.Step(Msg(MessageType.RequestVote, 2, 1, 3, index: candidateLastIndex, logTerm: candidateLastTerm));

        var response = Assert.Single(voter.ProcessReady());
        Assert.Equal(!granted, response.Reject);
    }

    /// <summary>§5.4 Leader Completeness (figure 3): "If a log entry is committed in a given term, then that entry will be
    /// present in the logs of the leaders for all higher-numbered terms." A node that missed a committed entry cannot
    /// become leader; the next leader holds the entry.</summary>
    [Fact]
    public void Section5_4_LeaderCompleteness_NodeMissingCommittedEntryCannotWin()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Cut(1, 3);
        var proposal = cluster.Propose(1, "committed");
        Assert.Equal(proposal.LastIndex, cluster.Raft(1).Committed);

        cluster.Isolate(1);
        cluster.Campaign(3);
        Assert.NotEqual(RaftRole.Leader, cluster.Raft(3).Role);

        cluster.Campaign(2);
        Assert.Equal(RaftRole.Leader, cluster.Raft(2).Role);
        Assert.Contains(cluster.Log(2), e => e.Index == proposal.LastIndex && e.Term == proposal.Term);
    }
}
