using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>The third field of initial-conf is a leadership priority: the highest one leads whenever it is up and caught up.</summary>
public sealed class RaftLeaderPriorityTests
{
    [Fact]
    public async Task The_member_with_the_highest_priority_takes_over_leadership_and_takes_it_back_after_a_restart()
    {
        await using var cluster = await new RaftDaemonCluster(priorities: [0, 0, 5]).StartAllAsync();
        var preferred = 2;
        await RaftDaemonCluster.WaitForAsync(async () => await cluster.RoleAsync(preferred) == "LEADER", "the priority-5 member to lead");

        await cluster.KillAsync(preferred);
        var interim = await cluster.LeaderIndexAsync();
        Assert.NotEqual(preferred, interim);
        using (var client = cluster.NewClient())
        {
            await client.MkdirsAsync(new Proto.MkdirsRequest { Path = "/while-away", CreateParent = true });
        }

        await cluster.StartNodeAsync(preferred);
        await RaftDaemonCluster.WaitForAsync(async () => await cluster.RoleAsync(preferred) == "LEADER", "the priority-5 member to lead again after its restart");
        using var reader = cluster.NewClient();
        Assert.Equal("/while-away", (await reader.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = "/while-away" })).Path);
    }
}
