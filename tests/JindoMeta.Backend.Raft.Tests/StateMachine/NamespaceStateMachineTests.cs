using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

public sealed class NamespaceStateMachineTests
{
    private static readonly CallerIdentity Root = new("root", []);
    private static readonly CallerIdentity Alice = new("alice", ["staff"]);

    [Fact]
    public void Apply_returns_the_engine_result_and_reads_see_the_applied_state()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");

        var created = (Result<FileStatus?>)machine.Apply(Command(1, new MkdirsCommand(Root, "/a/b", 0x1ED, CreateParent: true), timestamp: 5000))!;
        var failed = (Result<FileStatus?>)machine.Apply(Command(2, new MkdirsCommand(Alice, "/a/b/c", 0x1ED, CreateParent: false)))!;

        Assert.True(created.IsOk);
        Assert.Equal("/a/b", created.Value!.Path);
        Assert.Equal(5000, created.Value.Record.ModificationTime);
        Assert.Equal(ErrorCode.AccessDenied, failed.Error!.Code);
        Assert.Equal(2ul, machine.AppliedIndex);
        Assert.True(machine.GetFileInfo("/a/b", Root).IsOk);
        Assert.Equal(ErrorCode.FileNotFound, machine.GetFileInfo("/a/b/c", Root).Error!.Code);
        Assert.Equal(["b"], machine.ListStatus("/a", null, 10, Root).Value.Entries.Select(e => e.Name));
        Assert.Equal(new ContentSummary(3, 0, 0), machine.GetContentSummary("/", Root).Value);
    }

    [Fact]
    public void An_empty_entry_only_advances_the_applied_index()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        machine.Apply(Command(1, new MkdirsCommand(Root, "/a", 0x1ED, CreateParent: false)));
        var before = machine.ComputeChecksum();

        var result = machine.Apply(new Entry(2, 1, []));

        Assert.Null(result);
        Assert.Equal(2ul, machine.AppliedIndex);
        Assert.Equal(1, machine.LastChangeIndex);
        Assert.Equal(before.Rows, machine.ComputeChecksum().Rows);
        Assert.NotEqual(before.Sha256, machine.ComputeChecksum().Sha256); // only the applied index row changed
    }

    [Fact]
    public void Applied_index_and_change_index_are_read_back_on_reopen()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        machine.Apply(Command(1, new MkdirsCommand(Root, "/a", 0x1ED, CreateParent: false)));
        machine.Apply(Command(2, new MkdirsCommand(Root, "/a", 0x1ED, CreateParent: false))); // exists: fails, no change
        machine.Apply(new Entry(3, 1, []));
        var checksum = machine.ComputeChecksum();
        machine.Dispose();

        var reopened = fixture.Open("node");

        Assert.Equal(3ul, reopened.AppliedIndex);
        Assert.Equal(1, reopened.LastChangeIndex);
        Assert.Equal(checksum, reopened.ComputeChecksum());
    }

    [Fact]
    public void Change_feed_holds_one_entry_per_changing_command_with_its_rows_and_leader_time()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        machine.Apply(Command(1, new MkdirsCommand(Root, "/a", 0x1ED, CreateParent: false), timestamp: 111));
        machine.Apply(Command(2, new DeleteCommand(Root, "/missing", Recursive: false), timestamp: 222));
        machine.Apply(Command(3, new CreateFileCommand(Root, "/a/f", 0x1A4, false, false, 3, 128L << 20), timestamp: 333));

        var changes = machine.ReadChanges(1, 10);

        Assert.Equal([1L, 2L], changes.Select(c => c.Index));
        Assert.Equal([111L, 333L], changes.Select(c => c.TimestampMs));
        var created = changes[1].Rows.Single(r => r.Table == NamespaceSchema.DentriesTable && r.Value is not null && NamespaceSchema.ParseDentryKey(r.Key).Name == "f");
        Assert.Equal(333, InodeRecordCodec.Decode(created.Value).ModificationTime);
        Assert.Contains(changes[1].Rows, r => r.Table == NamespaceSchema.MetaTable && r.Key.AsSpan().SequenceEqual(NamespaceSchema.MetaKeys.NextInodeId));
    }

    [Fact]
    public void A_corrupted_entry_stops_the_machine_loudly_and_leaves_the_state_at_the_last_good_entry()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        machine.Apply(Command(1, new MkdirsCommand(Root, "/a", 0x1ED, CreateParent: false)));
        var checksum = machine.ComputeChecksum();
        var corrupted = Command(2, new MkdirsCommand(Root, "/b", 0x1ED, CreateParent: false));
        corrupted.Data[1] = 99; // an unknown command tag

        var error = Assert.Throws<StateMachineStoppedException>(() => machine.Apply(corrupted));
        var later = Assert.Throws<StateMachineStoppedException>(() => machine.Apply(Command(3, new MkdirsCommand(Root, "/c", 0x1ED, false))));

        Assert.Contains("Raft entry 2 (term 1) cannot be decoded", error.Message, StringComparison.Ordinal);
        Assert.Contains("unknown command tag 99", error.Message, StringComparison.Ordinal);
        Assert.Contains("stopped at applied index 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("stopped earlier", later.Message, StringComparison.Ordinal);
        Assert.Same(error, machine.Stopped);
        Assert.Equal(1ul, machine.AppliedIndex);
        Assert.Equal(checksum, machine.ComputeChecksum());
        Assert.Equal(ErrorCode.FileNotFound, machine.GetFileInfo("/b", Root).Error!.Code);
    }

    [Fact]
    public void An_entry_at_or_below_the_applied_index_stops_the_machine_instead_of_applying_twice()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        machine.Apply(Command(1, new MkdirsCommand(Root, "/a", 0x1ED, CreateParent: false)));

        var error = Assert.Throws<StateMachineStoppedException>(() => machine.Apply(Command(1, new MkdirsCommand(Root, "/b", 0x1ED, false))));

        Assert.Contains("applying it again would corrupt the state", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_state_of_the_rocksdb_backend_is_refused()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        machine.Dispose();
        var storeDirectory = Directory.GetDirectories(fixture.PathOf("node")).Single();
        using (var store = JindoMeta.Backend.RocksDb.NamespaceStore.Open(storeDirectory, new JindoMeta.RocksDb.RocksDbOptions(), "raft", () => []))
        {
            store.Database.Put(store.Meta, NamespaceSchema.MetaKeys.BackendType, "rocksdb"u8, sync: true);
        }

        var error = Assert.Throws<InvalidDataException>(() => fixture.Open("node"));
        Assert.Contains("'rocksdb' backend", error.Message, StringComparison.Ordinal);
    }

    internal static Entry Command(ulong index, NamespaceCommand command, long timestamp = 1_700_000_000_000) =>
        new(index, 1, NamespaceCommandCodec.Encode(new ReplicatedCommand(command, timestamp, Guid.Empty, (long)index)));
}
