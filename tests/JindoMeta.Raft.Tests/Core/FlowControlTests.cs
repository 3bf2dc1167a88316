using JindoMeta.Raft.Tests.Harness;

namespace JindoMeta.Raft.Tests.Core;

/// <summary>Per-follower flow control: probe sends one append at a time, replicate pipelines up to the inflight limit,
/// messages respect the byte limit.</summary>
public sealed class FlowControlTests
{
    private static byte[] Payload(int size) => new byte[size];

    [Fact]
    public void Replicate_state_pipelines_at_most_the_inflight_limit_to_a_silent_follower()
    {
        var cluster = new TestCluster(3, configure: o => { o.MaxInflightMessages = 3; o.MaxMessageBytes = 1; });
        cluster.Campaign(1);
        var leader = cluster[1];
        Assert.Equal(ProgressState.Replicate, leader.Raft.Status().Progress[2].State);

        for (var i = 0; i < 10; i++)
        {
            leader.Raft.Propose(Payload(10));
        }

        var appendsTo2 = leader.ProcessReady().Count(m => m.To == 2 && m.Type == MessageType.Append);
        Assert.Equal(3, appendsTo2);
        Assert.True(leader.Raft.Status().Progress[2].Paused);
    }

    [Fact]
    public void Probe_state_sends_one_append_until_the_follower_answers()
    {
        var cluster = new TestCluster(3);
        cluster.Isolate(3);
        cluster.Campaign(1);
        var leader = cluster[1];
        Assert.Equal(ProgressState.Probe, leader.Raft.Status().Progress[3].State);
        leader.ProcessReady();

        leader.Raft.Propose(Payload(1));
        leader.Raft.Propose(Payload(1));

        Assert.DoesNotContain(leader.ProcessReady(), m => m.To == 3 && m.Type == MessageType.Append);
    }

    [Fact]
    public void Append_messages_are_split_by_the_byte_limit()
    {
        var cluster = new TestCluster(3, configure: o => o.MaxMessageBytes = 2 * (100 + (ulong)Entry.OverheadBytes));
        cluster.Campaign(1);
        cluster.Isolate(3);
        for (var i = 0; i < 6; i++)
        {
            cluster.Raft(1).Propose(Payload(100));
        }

        cluster.Stabilize();
        cluster.Heal();
        cluster.TickAll(1);

        Assert.Equal(cluster.Raft(1).LastIndex, cluster.Raft(3).LastIndex);
    }

    [Fact]
    public void Unreachable_follower_drops_back_to_probing()
    {
        var cluster = new TestCluster(3);
        cluster.Campaign(1);
        cluster.Raft(1).ReportUnreachable(2);
        Assert.Equal(ProgressState.Probe, cluster.Raft(1).Status().Progress[2].State);
    }
}
