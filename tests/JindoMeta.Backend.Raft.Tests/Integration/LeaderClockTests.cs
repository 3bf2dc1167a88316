using JindoMeta.Backend.Raft.Tests.Support;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.Tests.Reference;

namespace JindoMeta.Backend.Raft.Tests.Integration;

/// <summary>The leader stamps commands with its clock, but never earlier than the newest change it applied: a new
/// leader whose clock is behind its predecessor's does not make modification times go back.</summary>
public sealed class LeaderClockTests
{
    private static readonly CallerIdentity Root = new("root", ["supergroup"]);

    [Fact]
    public async Task A_leader_whose_clock_is_behind_the_newest_change_stamps_the_newest_changes_time()
    {
        var clock = new ManualTimeProvider(1_700_000_100_000);
        await using var cluster = new InProcessRaftNamespace(new PermissionSettings(), clock);
        var made = await cluster.SubmitAsync(new MkdirsCommand(Root, "/a", 0x1ED, CreateParent: true, Umask: 0));
        Assert.Equal(1_700_000_100_000, made.Value!.Record.ModificationTime);

        clock.NowMs = 1_700_000_000_000; // as on a node whose clock is 100 s behind
        var created = await cluster.SubmitAsync(new CreateFileCommand(Root, "/a/f", 0x1A4, false, false, 3, 1 << 20, 0));

        Assert.True(created.IsOk, created.Error?.ToString());
        Assert.Equal(1_700_000_100_000, created.Value!.Record.ModificationTime);
        Assert.Equal(1_700_000_100_000, (await cluster.GetFileInfoAsync("/a", Root)).Value.Record.ModificationTime);

        clock.NowMs = 1_700_000_200_000; // a clock ahead is taken as it is
        var later = await cluster.SubmitAsync(new MkdirsCommand(Root, "/b", 0x1ED, CreateParent: true, Umask: 0));
        Assert.Equal(1_700_000_200_000, later.Value!.Record.ModificationTime);
    }
}
