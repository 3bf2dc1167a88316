using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.Tests.Support;
using static JindoMeta.Namespace.Tests.Support.NamespaceHarness;

namespace JindoMeta.Namespace.Tests.Semantics;

/// <summary>Permission checks, chmod, chown and setTimes.</summary>
public sealed class AccessTests
{
    [Fact]
    public void Reads_need_execute_on_every_ancestor_but_not_on_the_entry()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/p/q", 700);
        ns.Chmod("/p", 700);

        AssertError(ns.Stat("/p/q", Alice), ErrorCode.AccessDenied);
        AssertError(ns.Count("/p/q", Alice), ErrorCode.AccessDenied);
        Assert.True(ns.Stat("/p", Alice).IsOk);

        ns.Chmod("/p", 711);
        Assert.True(ns.Stat("/p/q", Alice).IsOk);
        AssertError(ns.Stat("/p/q/r", Alice), ErrorCode.AccessDenied); // /p/q has no x for others
    }

    [Theory]
    [InlineData(755, true)]
    [InlineData(711, false)]   // execute without read
    [InlineData(744, false)]   // read without execute
    [InlineData(705, true)]
    public void Listing_a_directory_needs_read_and_execute(int mode, bool allowed)
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d/x");
        ns.Chmod("/d", mode);

        var listing = ns.List("/d", caller: Carol);

        if (allowed)
        {
            Assert.Equal("x", Assert.Single(listing.Value.Entries).Name);
        }
        else
        {
            AssertError(listing, ErrorCode.AccessDenied);
        }
    }

    [Theory]
    [InlineData("alice", 70, false)]   // owner class alone decides for the owner (---)
    [InlineData("alice", 700, true)]
    [InlineData("bob", 70, true)]      // group class for members of the group
    [InlineData("carol", 70, false)]
    [InlineData("carol", 7, true)]
    [InlineData("alice", 77, false)]
    [InlineData("root", 0, true)]      // the superuser bypasses every check
    [InlineData("dave", 0, true)]      // so does a member of the supergroup
    public void Owner_group_and_other_classes_decide_in_that_order(string user, int mode, bool allowed)
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d");
        ns.Chown("/d", "alice", "bob");
        ns.Chmod("/d", mode);
        var caller = new[] { Root, Alice, Bob, Carol, Dave }.Single(c => c.User == user);

        var result = ns.Submit(new MkdirsCommand(caller, "/d/x", O(755), false));

        Assert.Equal(allowed, result.IsOk);
        if (!allowed)
        {
            Assert.Equal(ErrorCode.AccessDenied, result.Error!.Code);
        }
    }

    [Fact]
    public void With_permissions_disabled_every_check_passes()
    {
        using var ns = new NamespaceHarness(new PermissionSettings(Enabled: false));
        ns.Mkdir("/d", 0);

        ns.Ok(new MkdirsCommand(Carol, "/d/x", O(0), false));
        ns.Ok(new SetPermissionCommand(Carol, "/d", O(700)));
        ns.Ok(new DeleteCommand(Carol, "/d", true));
    }

    [Fact]
    public void Only_the_owner_or_the_superuser_may_chmod()
    {
        using var ns = new NamespaceHarness();
        ns.Chmod("/", 777);
        ns.Mkdir("/d", 777, Alice);

        ns.Fails(new SetPermissionCommand(Bob, "/d", O(700)), ErrorCode.AccessDenied);
        Assert.Equal(O(1700), ns.Ok(new SetPermissionCommand(Alice, "/d", O(1700)))!.Record.Permission);
        Assert.Equal(O(755), ns.Ok(new SetPermissionCommand(Root, "/d", O(755)))!.Record.Permission);
        ns.Fails(new SetPermissionCommand(Root, "/d", 0x400), ErrorCode.InvalidArgument); // octal 2000
        ns.Fails(new SetPermissionCommand(Root, "/nope", O(755)), ErrorCode.FileNotFound);
    }

    [Theory]
    [InlineData("alice", "alice", null, true)]     // "giving" it to herself changes nothing but is allowed
    [InlineData("alice", null, "staff", true)]     // a group she belongs to
    [InlineData("alice", null, "guests", false)]   // a group she does not belong to
    [InlineData("alice", "bob", null, false)]      // only the superuser gives files away
    [InlineData("bob", null, "staff", false)]      // not the owner
    [InlineData("root", "carol", "guests", true)]
    [InlineData("dave", "bob", "nobody", true)]
    public void Chown_rules(string user, string? owner, string? group, bool allowed)
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d", 755);
        ns.Chown("/d", "alice", "alice");
        var caller = new[] { Root, Alice, Bob, Carol, Dave }.Single(c => c.User == user);
        var before = ns.Record("/d");
        var command = new SetOwnerCommand(caller, "/d", owner, group);

        if (allowed)
        {
            var after = ns.Ok(command)!.Record;
            Assert.Equal((owner ?? before.Owner, group ?? before.Group), (after.Owner, after.Group));
        }
        else
        {
            ns.Fails(command, ErrorCode.AccessDenied);
        }
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("", null)]
    [InlineData(null, "")]
    public void Chown_rejects_nothing_to_change_and_empty_names(string? owner, string? group)
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d");
        ns.Fails(new SetOwnerCommand(Root, "/d", owner, group), ErrorCode.InvalidArgument);
    }

    [Fact]
    public void SetTimes_changes_only_the_given_times_and_needs_write()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d", 777);
        var file = ns.WriteFile("/d/f", 1, 644, Alice).Record;

        var both = ns.Ok(new SetTimesCommand(Alice, "/d/f", 111, 222))!.Record;
        Assert.Equal((111L, 222L), (both.ModificationTime, both.AccessTime));
        var mtimeOnly = ns.Ok(new SetTimesCommand(Alice, "/d/f", 333, -1))!.Record;
        Assert.Equal((333L, 222L), (mtimeOnly.ModificationTime, mtimeOnly.AccessTime));
        var neither = ns.Ok(new SetTimesCommand(Alice, "/d/f", -1, -1))!.Record;
        Assert.Equal(mtimeOnly, neither);
        Assert.Equal(file.Id, neither.Id);

        ns.Fails(new SetTimesCommand(Bob, "/d/f", 1, 1), ErrorCode.AccessDenied);
        ns.Fails(new SetTimesCommand(Alice, "/d/f", -2, 1), ErrorCode.InvalidArgument);
        Assert.Equal(444L, ns.Ok(new SetTimesCommand(Root, "/d", 444, -1))!.Record.ModificationTime);
    }

    [Fact]
    public void New_entries_take_the_group_of_their_parent()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/g", 777);
        ns.Chown("/g", null, "guests");

        Assert.Equal("guests", ns.Mkdir("/g/d", 755, Alice).Record.Group);
        Assert.Equal("guests", ns.CreateFile("/g/f", 644, Bob).Record.Group);
    }
}
