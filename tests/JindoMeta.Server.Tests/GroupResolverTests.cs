using JindoMeta.Server.Security;

namespace JindoMeta.Server.Tests;

public sealed class GroupResolverTests
{
    [Fact]
    public void Static_overrides_win_over_the_operating_system()
    {
        var resolver = new GroupResolver(new Dictionary<string, IReadOnlyList<string>> { ["root"] = ["analysts"] }, TimeProvider.System);

        Assert.Equal(["analysts"], resolver.Resolve("root").Groups);
    }

    [Fact]
    public void Other_users_get_their_os_groups_primary_first()
    {
        var resolver = new GroupResolver(new Dictionary<string, IReadOnlyList<string>>(), TimeProvider.System);

        // Every Debian machine has root with primary group root (gid 0 in /etc/passwd and /etc/group).
        Assert.Equal("root", resolver.Resolve("root").Groups[0]);
        Assert.Empty(resolver.Resolve("no-such-user-" + Guid.NewGuid().ToString("N")).Groups);
    }
}
