using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Tests.Support;
using static JindoMeta.Namespace.Tests.Support.NamespaceHarness;

namespace JindoMeta.Namespace.Tests.Semantics;

/// <summary>rename (both modes) and delete.</summary>
public sealed class RenameDeleteTests
{
    /// <summary>/src{f} /dst{} /full{x} /file /other, all owned by root.</summary>
    private static NamespaceHarness Tree()
    {
        var ns = new NamespaceHarness();
        ns.WriteFile("/src/f", 3);
        ns.Mkdir("/dst");
        ns.WriteFile("/full/x", 4);
        ns.WriteFile("/file", 5);
        ns.WriteFile("/other", 6);
        return ns;
    }

    [Theory]
    [InlineData("/file", "/file2", false, "/file2")]
    [InlineData("/file", "/dst", false, "/dst/file")]     // into an existing directory
    [InlineData("/file", "/full", false, "/full/file")]
    [InlineData("/file", "/other", true, "/other")]        // replaces a file
    [InlineData("/src", "/dst", true, "/dst")]             // replaces an empty directory
    [InlineData("/src", "/dst", false, "/dst/src")]
    [InlineData("/src", "/dst/a", false, "/dst/a")]
    [InlineData("/src/f", "/", false, "/f")]
    public void Rename_moves_the_entry_and_its_subtree(string source, string destination, bool overwrite, string landed)
    {
        using var ns = Tree();
        var moved = ns.Record(source);
        var summaryBefore = ns.Count("/").Value;

        var result = ns.Ok(new RenameCommand(Root, source, destination, overwrite))!;

        Assert.Equal(landed, result.Path);
        Assert.Equal(moved, result.Record); // same inode, same times
        Assert.False(ns.Exists(source));
        Assert.Equal(moved, ns.Record(landed));
        Assert.Equal(ns.Now, ns.Record(ReferenceParent(source)).ModificationTime);
        Assert.Equal(ns.Now, ns.Record(ReferenceParent(landed)).ModificationTime);
        if (source == "/src")
        {
            Assert.Equal(3, ns.Record(landed + "/f").Length);
        }

        var summary = ns.Count("/").Value;
        Assert.Equal(summaryBefore.Length - (overwrite && landed == "/other" ? 6 : 0), summary.Length);
    }

    [Theory]
    [InlineData("/file", "/file", false)]      // a file onto itself
    [InlineData("/src/f", "/src", false)]      // into its own parent
    [InlineData("/src", "/", false)]
    public void Rename_onto_itself_succeeds_and_changes_nothing(string source, string destination, bool overwrite)
    {
        using var ns = Tree();
        var before = ns.Snapshot();

        var result = ns.Ok(new RenameCommand(Root, source, destination, overwrite))!;

        Assert.Equal(source, result.Path);
        Assert.Equal(before, ns.Snapshot());
    }

    [Theory]
    [InlineData("/file", "/file", true, ErrorCode.FileAlreadyExists)]    // onto itself with overwrite
    [InlineData("/file", "/other", false, ErrorCode.FileAlreadyExists)]
    [InlineData("/file", "/full/x", false, ErrorCode.FileAlreadyExists)]
    [InlineData("/src", "/src", false, ErrorCode.InvalidRename)]         // a directory "into itself"
    [InlineData("/src", "/src/g", false, ErrorCode.InvalidRename)]
    [InlineData("/src", "/src/g/h", true, ErrorCode.InvalidRename)]
    [InlineData("/src", "/full", true, ErrorCode.DirectoryNotEmpty)]
    [InlineData("/src", "/file", true, ErrorCode.InvalidRename)]         // directory onto a file
    [InlineData("/file", "/dst", true, ErrorCode.InvalidRename)]         // file onto a directory
    [InlineData("/src", "/", true, ErrorCode.InvalidRename)]
    [InlineData("/", "/x", false, ErrorCode.InvalidRename)]
    [InlineData("/file", "/nope/x", false, ErrorCode.FileNotFound)]
    [InlineData("/nope", "/x", false, ErrorCode.FileNotFound)]
    [InlineData("/file/x", "/x", false, ErrorCode.FileNotFound)]        // source through a file
    [InlineData("/file", "/other/x", false, ErrorCode.ParentNotDirectory)]
    [InlineData("/file", "/other/x/y", true, ErrorCode.ParentNotDirectory)]
    public void Rename_fails_and_changes_nothing(string source, string destination, bool overwrite, ErrorCode code)
    {
        using var ns = Tree();
        ns.Fails(new RenameCommand(Root, source, destination, overwrite), code);
    }

    [Fact]
    public void Rename_needs_write_on_both_parents_and_honours_the_sticky_bit()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/from", 777);
        ns.Mkdir("/to", 755);
        ns.WriteFile("/from/f", 1, 644, Bob);

        ns.Fails(new RenameCommand(Alice, "/from/f", "/to/f", false), ErrorCode.AccessDenied); // no write on /to
        ns.Chmod("/to", 777);
        ns.Chmod("/from", 1777);
        ns.Fails(new RenameCommand(Alice, "/from/f", "/to/f", false), ErrorCode.AccessDenied); // sticky: not her file
        ns.Ok(new RenameCommand(Bob, "/from/f", "/to/f", false));
    }

    [Theory]
    [InlineData("/", false, ErrorCode.InvalidArgument)]
    [InlineData("/nope", true, ErrorCode.FileNotFound)]
    [InlineData("/file/x", true, ErrorCode.FileNotFound)]
    [InlineData("/full", false, ErrorCode.DirectoryNotEmpty)]
    [InlineData("/src", false, ErrorCode.DirectoryNotEmpty)]
    public void Delete_fails_and_changes_nothing(string path, bool recursive, ErrorCode code)
    {
        using var ns = Tree();
        ns.Fails(new DeleteCommand(Root, path, recursive), code);
    }

    [Theory]
    [InlineData("/dst", false)]
    [InlineData("/file", false)]
    [InlineData("/full", true)]
    public void Delete_removes_the_entry_and_touches_the_parent(string path, bool recursive)
    {
        using var ns = Tree();
        var before = ns.Count("/").Value;
        var removed = ns.Count(path).Value;

        Assert.Null(ns.Ok(new DeleteCommand(Root, path, recursive)));

        Assert.False(ns.Exists(path));
        Assert.Equal(ns.Now, ns.Record("/").ModificationTime);
        var after = ns.Count("/").Value;
        Assert.Equal(
            (before.DirectoryCount - removed.DirectoryCount, before.FileCount - removed.FileCount, before.Length - removed.Length),
            (after.DirectoryCount, after.FileCount, after.Length));
    }

    [Fact]
    public void Delete_in_a_sticky_directory_is_for_the_owner_of_the_entry_or_the_directory()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/tmp", 1777);
        ns.Chown("/tmp", "carol", null);
        ns.WriteFile("/tmp/a", 1, 666, Alice);
        ns.WriteFile("/tmp/b", 1, 666, Alice);
        ns.WriteFile("/tmp/c", 1, 666, Alice);

        ns.Fails(new DeleteCommand(Bob, "/tmp/a", false), ErrorCode.AccessDenied);
        ns.Ok(new DeleteCommand(Alice, "/tmp/a", false));
        ns.Ok(new DeleteCommand(Carol, "/tmp/b", false)); // owns the directory
        ns.Ok(new DeleteCommand(Dave, "/tmp/c", false));  // supergroup
    }

    [Fact]
    public void Recursive_delete_needs_all_access_on_every_non_empty_directory_but_not_on_empty_ones()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/home", 777);
        ns.Mkdir("/home/alice", 777, Alice);
        ns.Mkdir("/home/alice/empty", 0, Alice);
        ns.Chown("/home/alice/empty", "bob", null);
        ns.Ok(new DeleteCommand(Alice, "/home/alice/empty", false)); // write on the parent is enough

        ns.Mkdir("/home/alice/locked", 755, Alice);
        ns.WriteFile("/home/alice/locked/f", 1, 644, Alice);
        ns.Chown("/home/alice/locked", "bob", null);
        ns.Fails(new DeleteCommand(Alice, "/home/alice", true), ErrorCode.AccessDenied);

        ns.Chmod("/home/alice/locked", 777);
        ns.Ok(new DeleteCommand(Alice, "/home/alice", true));
        Assert.False(ns.Exists("/home/alice"));
    }

    [Fact]
    public void Delete_needs_write_and_execute_on_the_parent()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d", 755);
        ns.WriteFile("/d/f", 1, 666);

        ns.Fails(new DeleteCommand(Alice, "/d/f", false), ErrorCode.AccessDenied);
        ns.Chmod("/d", 776);
        ns.Fails(new DeleteCommand(Alice, "/d/f", false), ErrorCode.AccessDenied); // no execute: cannot traverse
        ns.Chmod("/d", 777);
        ns.Ok(new DeleteCommand(Alice, "/d/f", false));
    }

    private static string ReferenceParent(string path) => Reference.ReferencePath.Parent(path);
}
