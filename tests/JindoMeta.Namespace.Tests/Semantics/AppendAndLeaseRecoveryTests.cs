using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.Tests.Support;
using static JindoMeta.Namespace.Tests.Support.NamespaceHarness;

namespace JindoMeta.Namespace.Tests.Semantics;

/// <summary>Append, lease recovery, setReplication, and block checksums in the record.</summary>
public sealed class AppendAndLeaseRecoveryTests
{
    [Fact]
    public void Append_reopens_a_file_keeping_its_blocks_and_complete_must_list_them_first()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d", 777);
        var original = ns.WriteFile("/d/f", 3 * MiB / 2);

        var reopened = ns.Ok(new AppendFileCommand(Root, "/d/f"))!;
        Assert.True(reopened.Record.UnderConstruction);
        Assert.True(reopened.Record.ReopenedForAppend);
        Assert.Equal(original.Record.Blocks, reopened.Record.Blocks);
        Assert.Equal(3 * MiB / 2, ns.Record("/d/f").Length); // readers still see the earlier bytes

        ns.Fails(new CompleteFileCommand(Root, "/d/f", 10, [new BlockInfo(99, 10, 1, 5)]), ErrorCode.InvalidArgument);
        ns.Fails(new AppendFileCommand(Root, "/d/f"), ErrorCode.LeaseConflict);

        var grown = ns.Ok(new CompleteFileCommand(Root, "/d/f", (3 * MiB / 2) + 10, [.. original.Record.Blocks, new BlockInfo(99, 10, 1, 5)]))!;
        Assert.False(grown.Record.UnderConstruction);
        Assert.False(grown.Record.ReopenedForAppend);
        Assert.Equal(3, grown.Record.Blocks.Count);
    }

    [Fact]
    public void Append_needs_write_permission_and_a_file()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d", 777);
        ns.WriteFile("/d/f", 10, octal: 644);

        ns.Fails(new AppendFileCommand(Alice, "/d/f"), ErrorCode.AccessDenied);
        ns.Fails(new AppendFileCommand(Root, "/d"), ErrorCode.IsDirectory);
        ns.Fails(new AppendFileCommand(Root, "/d/none"), ErrorCode.FileNotFound);
    }

    [Fact]
    public void Lease_recovery_removes_a_file_being_created_and_closes_one_being_appended()
    {
        using var ns = new NamespaceHarness();
        var created = ns.CreateFile("/new");
        ns.WriteFile("/old", 100);
        var appended = ns.Ok(new AppendFileCommand(Root, "/old"))!;

        Assert.Null(ns.Ok(new RecoverLeaseCommand(Root, "/new", created.Record.Id)));
        Assert.False(ns.Exists("/new"));

        var closed = ns.Ok(new RecoverLeaseCommand(Root, "/old", appended.Record.Id))!;
        Assert.False(closed.Record.UnderConstruction);
        Assert.Equal(100, closed.Record.Length);
        Assert.Single(closed.Record.Blocks);
    }

    [Fact]
    public void Lease_recovery_leaves_a_file_created_since_or_already_closed_alone()
    {
        using var ns = new NamespaceHarness();
        var first = ns.CreateFile("/f");
        ns.Ok(new DeleteCommand(Root, "/f", false));
        var second = ns.CreateFile("/f");

        var untouched = ns.Ok(new RecoverLeaseCommand(Root, "/f", first.Record.Id))!;
        Assert.Equal(second.Record.Id, untouched.Record.Id);
        Assert.True(untouched.Record.UnderConstruction);

        ns.Ok(new CompleteFileCommand(Root, "/f", 0, []));
        Assert.False(ns.Ok(new RecoverLeaseCommand(Root, "/f", second.Record.Id))!.Record.UnderConstruction);
        Assert.True(ns.Exists("/f"));
    }

    [Fact]
    public void Only_the_owner_or_the_superuser_recovers_a_lease()
    {
        using var ns = new NamespaceHarness();
        ns.Mkdir("/d", 777);
        var file = ns.CreateFile("/d/f", 666);

        ns.Fails(new RecoverLeaseCommand(Alice, "/d/f", file.Record.Id), ErrorCode.AccessDenied);
        Assert.True(ns.Exists("/d/f"));
    }

    [Fact]
    public void Set_replication_is_recorded_on_files_and_refused_on_directories()
    {
        using var ns = new NamespaceHarness();
        ns.WriteFile("/f", 10);
        ns.Mkdir("/d");

        Assert.Equal(7, ns.Ok(new SetReplicationCommand(Root, "/f", 7))!.Record.Replication);
        Assert.Equal(7, ns.Record("/f").Replication);
        ns.Fails(new SetReplicationCommand(Root, "/d", 2), ErrorCode.IsDirectory);
        ns.Fails(new SetReplicationCommand(Root, "/f", 0), ErrorCode.InvalidArgument);
    }

    [Fact]
    public void Block_checksums_and_the_append_flag_survive_the_record_codec_and_version_1_records_still_decode()
    {
        var record = new InodeRecord
        {
            Id = 42,
            Type = InodeType.File,
            Permission = 0x1A4,
            Owner = "alice",
            Group = "staff",
            ModificationTime = 1,
            AccessTime = 2,
            Length = 3,
            Replication = 3,
            BlockSize = MiB,
            UnderConstruction = true,
            ReopenedForAppend = true,
            Blocks = [new BlockInfo(1, 1, 1, 0xDEAD_BEEF), new BlockInfo(2, 2, 1, 0)],
        };
        Assert.Equal(record, InodeRecordCodec.Decode(InodeRecordCodec.Encode(record)));

        // A version 1 record: the same fields, no checksums, flag 1 only.
        var plain = record with { ReopenedForAppend = false, Blocks = [new BlockInfo(1, 1, 1)] };
        var v2 = InodeRecordCodec.Encode(plain);
        var v1 = v2[..^1]; // the last byte is the only block's checksum, 0
        v1[0] = 1;
        Assert.Equal(plain, InodeRecordCodec.Decode(v1));

        v2[0] = 1; // a version 1 record with a stray trailing byte
        Assert.Throws<FormatException>(() => InodeRecordCodec.Decode(v2));
    }
}
