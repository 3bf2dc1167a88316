using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Tests.Support;
using static JindoMeta.Namespace.Tests.Support.NamespaceHarness;

namespace JindoMeta.Namespace.Tests.Semantics;

public sealed class PathRuleTests
{
    private static readonly string Emoji = "\U0001F600"; // 4 UTF-8 bytes, 2 UTF-16 units

    public static TheoryData<string, string> InvalidPaths => new()
    {
        { "empty", "" },
        { "relative", "a" },
        { "relative with slash", "a/b" },
        { "trailing slash", "/a/" },
        { "doubled slash at start", "//a" },
        { "doubled slash inside", "/a//b" },
        { "dot component", "/a/./b" },
        { "dot-dot component", "/a/../b" },
        { "only dot", "/." },
        { "only dot-dot", "/.." },
        { "NUL inside a name", "/a\0b" },
        { "256 ASCII bytes", "/" + new string('x', 256) },
        { "256 bytes of 2-byte characters", "/" + string.Concat(Enumerable.Repeat("é", 128)) },
        { "256 bytes of 4-byte characters", "/" + string.Concat(Enumerable.Repeat(Emoji, 64)) },
        { "256 bytes of 3-byte characters", "/a" + string.Concat(Enumerable.Repeat("\uE000", 85)) },
        { "depth 1001", string.Concat(Enumerable.Repeat("/a", 1001)) },
        { "8001 characters", "/" + new string('b', 200) + string.Concat(Enumerable.Repeat("/" + new string('c', 199), 39)) },
    };

    [Theory]
    [MemberData(nameof(InvalidPaths))]
    public void Every_operation_rejects_an_invalid_path_and_changes_nothing(string rule, string path)
    {
        Assert.NotNull(rule);
        AssertRejectedEverywhere(path);
    }

    // Not theory data: xunit's serialization of theory data would turn a lone surrogate into U+FFFD.
    [Fact]
    public void Every_operation_rejects_a_name_with_an_unpaired_surrogate()
    {
        AssertRejectedEverywhere("/x\uD800");
        AssertRejectedEverywhere("/\uDC00x");
        AssertRejectedEverywhere("/a/\uDBFF");
    }

    [Fact]
    public void Names_that_differ_only_in_unpaired_surrogates_never_reach_storage()
    {
        // Both would encode to the UTF-8 of U+FFFD and collide in a byte-keyed store.
        using var ns = new NamespaceHarness();
        ns.Fails(new MkdirsCommand(Root, "/\uD800", O(755), true), ErrorCode.InvalidPath);
        ns.Mkdir("/\uFFFD");

        AssertError(ns.Stat("/\uDBFF"), ErrorCode.InvalidPath);
        Assert.Equal("\uFFFD", Assert.Single(ns.List("/").Value.Entries).Name);
    }

    private static void AssertRejectedEverywhere(string path)
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/a");
        ns.WriteFile("/a/f", 10);

        ns.Fails(new MkdirsCommand(Root, path, O(755), true), ErrorCode.InvalidPath);
        ns.Fails(new CreateFileCommand(Root, path, O(644), true, true, 1, MiB), ErrorCode.InvalidPath);
        ns.Fails(new CompleteFileCommand(Root, path, 0, []), ErrorCode.InvalidPath);
        ns.Fails(new DeleteCommand(Root, path, true), ErrorCode.InvalidPath);
        ns.Fails(new RenameCommand(Root, path, "/b", false), ErrorCode.InvalidPath);
        ns.Fails(new RenameCommand(Root, "/a/f", path, true), ErrorCode.InvalidPath);
        ns.Fails(new SetPermissionCommand(Root, path, O(700)), ErrorCode.InvalidPath);
        ns.Fails(new SetOwnerCommand(Root, path, "alice", null), ErrorCode.InvalidPath);
        ns.Fails(new SetTimesCommand(Root, path, 5, 5), ErrorCode.InvalidPath);
        AssertError(ns.Stat(path), ErrorCode.InvalidPath);
        AssertError(ns.List(path), ErrorCode.InvalidPath);
        AssertError(ns.Count(path), ErrorCode.InvalidPath);
    }

    public static TheoryData<string, string> LongestValidNames => new()
    {
        { "255 ASCII bytes", new string('x', 255) },
        { "127 two-byte characters and one byte", string.Concat(Enumerable.Repeat("é", 127)) + "a" },
        { "63 four-byte characters and three bytes", string.Concat(Enumerable.Repeat(Emoji, 63)) + "abc" },
        { "85 three-byte characters", string.Concat(Enumerable.Repeat("\uE000", 85)) },
    };

    [Theory]
    [MemberData(nameof(LongestValidNames))]
    public void A_name_of_exactly_255_UTF8_bytes_is_accepted(string rule, string name)
    {
        Assert.Equal(255, System.Text.Encoding.UTF8.GetByteCount(name));
        using var ns = new NamespaceHarness();

        var created = ns.Mkdir("/" + name);

        Assert.Equal(name, created.Name);
        Assert.True(ns.Exists("/" + name), rule);
        Assert.Equal(name, Assert.Single(ns.List("/").Value.Entries).Name);
    }

    [Fact]
    public void A_path_1000_components_deep_is_accepted()
    {
        using var ns = new NamespaceHarness();
        var path = string.Concat(Enumerable.Repeat("/a", 1000));

        ns.Mkdir(path);

        Assert.True(ns.Exists(path));
        Assert.Equal(1001, ns.Count("/").Value.DirectoryCount);
    }

    [Fact]
    public void A_path_of_exactly_8000_characters_is_accepted()
    {
        using var ns = new NamespaceHarness();
        var path = "/" + new string('b', 200) + string.Concat(Enumerable.Repeat("/" + new string('c', 199), 38)) + "/" + new string('d', 198);
        Assert.Equal(8000, path.Length);

        ns.CreateFile(path);

        Assert.Equal(InodeType.File, ns.Record(path).Type);
    }

    [Fact]
    public void The_root_is_the_only_path_that_ends_in_a_slash()
    {
        using var ns = new NamespaceHarness();

        var root = ns.Stat("/");

        Assert.True(root.Value.Record.IsDirectory);
        Assert.Equal("", root.Value.Name);
    }
}
