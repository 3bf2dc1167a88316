using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Tests.Support;
using static JindoMeta.Namespace.Tests.Support.NamespaceHarness;

namespace JindoMeta.Namespace.Tests.Semantics;

/// <summary>mkdirs, create and complete.</summary>
public sealed class CreateTests
{
    [Theory]
    [InlineData("/d", false, ErrorCode.FileAlreadyExists)]  // existing directory without -p
    [InlineData("/f", false, ErrorCode.FileAlreadyExists)]  // existing file
    [InlineData("/f", true, ErrorCode.FileAlreadyExists)]
    [InlineData("/missing/x", false, ErrorCode.FileNotFound)]
    [InlineData("/f/x", false, ErrorCode.ParentNotDirectory)]
    [InlineData("/f/x/y", true, ErrorCode.ParentNotDirectory)]
    [InlineData("/", false, ErrorCode.FileAlreadyExists)]
    public void Mkdirs_fails_and_changes_nothing(string path, bool createParent, ErrorCode code)
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d");
        ns.WriteFile("/f", 1);

        ns.Fails(new MkdirsCommand(Root, path, O(755), createParent), code);
    }

    [Fact]
    public void Mkdirs_p_on_an_existing_directory_succeeds_and_changes_nothing()
    {
        using var ns = new NamespaceHarness();
        var existing = ns.Mkdir("/d", 700);
        var before = ns.Snapshot();

        var again = ns.Ok(new MkdirsCommand(Alice, "/d", O(777), CreateParent: true));

        Assert.Equal(existing, again);
        Assert.Equal(before, ns.Snapshot());
    }

    [Theory]
    [InlineData(777, 22, 755)]
    [InlineData(1777, 22, 1755)]
    [InlineData(755, 77, 700)]
    [InlineData(777, 0, 777)]
    public void Mkdirs_masks_the_permission_with_the_umask(int permission, int umask, int expected)
    {
        using var ns = new NamespaceHarness();

        var created = ns.Ok(new MkdirsCommand(Root, "/d", O(permission), false, O(umask)))!;

        Assert.Equal(O(expected), created.Record.Permission);
    }

    [Theory]
    [InlineData(2000, 22)]
    [InlineData(755, 1000)]
    public void Mkdirs_rejects_a_permission_or_umask_out_of_range(int permission, int umask)
    {
        using var ns = new NamespaceHarness();
        ns.Fails(new MkdirsCommand(Root, "/d", O(permission), true, O(umask)), ErrorCode.InvalidArgument);
    }

    [Fact]
    public void Mkdirs_p_creates_parents_top_down_with_u_wx_and_the_parent_group_and_touches_only_the_nearest_ancestor()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/top", 777);
        ns.Chown("/top", "root", "staff");
        var rootTime = ns.Record("/").ModificationTime;

        var leaf = ns.Ok(new MkdirsCommand(Alice, "/top/a/b/c", O(1555), CreateParent: true, Umask: 0))!;
        var t = ns.Now;

        Assert.Equal(O(1555), leaf.Record.Permission);
        foreach (var (path, offset) in new[] { ("/top/a", 0), ("/top/a/b", 1), ("/top/a/b/c", 2) })
        {
            var record = ns.Record(path);
            Assert.Equal(("alice", "staff"), (record.Owner, record.Group));
            Assert.Equal(path == "/top/a/b/c" ? O(1555) : O(755), record.Permission); // 555 | 300, no sticky bit
            Assert.Equal((t, 0L), (record.ModificationTime, record.AccessTime));
            Assert.Equal(ns.Record("/top").Id + 1 + offset, record.Id);
        }

        Assert.Equal(t, ns.Record("/top").ModificationTime);
        Assert.Equal(rootTime, ns.Record("/").ModificationTime);
    }

    [Theory]
    [InlineData((short)0, NamespaceHarness.MiB)]
    [InlineData((short)513, NamespaceHarness.MiB)]
    [InlineData((short)-1, NamespaceHarness.MiB)]
    [InlineData((short)1, NamespaceHarness.MiB - 512)]
    [InlineData((short)1, NamespaceHarness.MiB + 1)]
    [InlineData((short)1, 0)]
    public void Create_rejects_a_replication_or_block_size_out_of_range(short replication, long blockSize)
    {
        using var ns = new NamespaceHarness();
        ns.Fails(new CreateFileCommand(Root, "/f", O(644), false, true, replication, blockSize), ErrorCode.InvalidArgument);
    }

    [Theory]
    [InlineData((short)1, NamespaceHarness.MiB)]
    [InlineData((short)512, NamespaceHarness.MiB + 512)]
    public void Create_accepts_the_limits(short replication, long blockSize)
    {
        using var ns = new NamespaceHarness();
        ns.Chmod("/", 777);

        var file = ns.Ok(new CreateFileCommand(Alice, "/f", O(666), false, true, replication, blockSize, Umask: O(22)))!;

        var r = file.Record;
        Assert.Equal((InodeType.File, O(644), "alice", "supergroup"), (r.Type, r.Permission, r.Owner, r.Group));
        Assert.Equal((replication, blockSize, true, 0L), (r.Replication, r.BlockSize, r.UnderConstruction, r.Length));
        Assert.Equal((ns.Now, ns.Now), (r.ModificationTime, r.AccessTime));
        Assert.Equal(ns.Now, ns.Record("/").ModificationTime);
    }

    [Theory]
    [InlineData("/d", true, ErrorCode.FileAlreadyExists)]      // a directory is never overwritten by create
    [InlineData("/", true, ErrorCode.FileAlreadyExists)]
    [InlineData("/f", false, ErrorCode.FileAlreadyExists)]
    [InlineData("/f/x", true, ErrorCode.ParentNotDirectory)]
    public void Create_fails_and_changes_nothing(string path, bool overwrite, ErrorCode code)
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d");
        ns.WriteFile("/f", 1);

        ns.Fails(new CreateFileCommand(Root, path, O(644), overwrite, true, 1, MiB), code);
    }

    [Fact]
    public void Create_without_create_parent_needs_the_parent()
    {
        using var ns = new NamespaceHarness();
        ns.Fails(new CreateFileCommand(Root, "/a/f", O(644), false, false, 1, MiB), ErrorCode.FileNotFound);

        ns.Ok(new CreateFileCommand(Root, "/a/f", O(644), false, true, 1, MiB));

        // Parents made by create take the nearest ancestor's mode (/ is 755) plus u+wx.
        Assert.Equal(O(755), ns.Record("/a").Permission);
    }

    [Fact]
    public void Overwrite_needs_write_on_the_old_file_and_gives_a_new_inode()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/shared", 777);
        var old = ns.WriteFile("/shared/f", 5, 644, Bob);

        ns.Fails(new CreateFileCommand(Alice, "/shared/f", O(644), true, false, 1, MiB), ErrorCode.AccessDenied);
        ns.Chmod("/shared/f", 666);
        var replaced = ns.Ok(new CreateFileCommand(Alice, "/shared/f", O(600), true, false, 1, MiB))!;

        Assert.NotEqual(old.Record.Id, replaced.Record.Id);
        Assert.Equal(("alice", 0L, true), (replaced.Record.Owner, replaced.Record.Length, replaced.Record.UnderConstruction));
        Assert.Equal(1, ns.Count("/shared").Value.FileCount);
    }

    public static TheoryData<string, long, long[], ErrorCode> BadCompletes => new()
    {
        { "length does not match the blocks", 10, [4, 5], ErrorCode.InvalidArgument },
        { "negative length", -1, [], ErrorCode.InvalidArgument },
        { "negative block", 0, [5, -5], ErrorCode.InvalidArgument },
        { "block larger than the block size", MiB + 1, [MiB + 1], ErrorCode.InvalidArgument },
    };

    [Theory]
    [MemberData(nameof(BadCompletes))]
    public void Complete_validates_length_and_blocks(string rule, long length, long[] blockSizes, ErrorCode code)
    {
        Assert.NotNull(rule);
        using var ns = new NamespaceHarness();
        ns.CreateFile("/f");

        ns.Fails(new CompleteFileCommand(Root, "/f", length, Blocks(blockSizes)), code);
    }

    [Fact]
    public void Complete_closes_the_file_and_an_identical_retry_succeeds_while_a_different_one_fails()
    {
        using var ns = new NamespaceHarness();
        ns.CreateFile("/f");
        var blocks = Blocks([MiB, 7]);

        var closed = ns.Ok(new CompleteFileCommand(Root, "/f", MiB + 7, blocks))!;
        Assert.Equal((MiB + 7, false, ns.Now), (closed.Record.Length, closed.Record.UnderConstruction, closed.Record.ModificationTime));
        Assert.Equal(blocks, closed.Record.Blocks);

        var before = ns.Snapshot();
        Assert.Equal(closed, ns.Ok(new CompleteFileCommand(Root, "/f", MiB + 7, Blocks([MiB, 7]))));
        Assert.Equal(before, ns.Snapshot());

        var second = ns.Fails(new CompleteFileCommand(Root, "/f", 8, Blocks([8])), ErrorCode.FileNotUnderConstruction);
        Assert.Equal(25010, (int)second.Code);
    }

    [Fact]
    public void Complete_of_a_directory_or_a_missing_file_fails()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d");

        ns.Fails(new CompleteFileCommand(Root, "/d", 0, []), ErrorCode.IsDirectory);
        ns.Fails(new CompleteFileCommand(Root, "/nope", 0, []), ErrorCode.FileNotFound);
    }

    private static BlockInfo[] Blocks(long[] sizes) => sizes.Select((size, i) => new BlockInfo(100 + i, size, 7)).ToArray();
}
