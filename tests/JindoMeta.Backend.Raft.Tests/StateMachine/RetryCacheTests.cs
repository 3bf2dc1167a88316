using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

/// <summary>The replicated retry cache, as the state machine applies it: a duplicate call returns its first outcome.</summary>
public sealed class RetryCacheTests
{
    private const long Start = 1_700_000_000_000;
    private static readonly CallerIdentity Root = new("root", []);
    private static readonly Guid Client = new("0123456789abcdef0123456789abcdef");
    private static readonly Guid OtherClient = new("fedcba9876543210fedcba9876543210");

    [Fact]
    public void A_create_applied_twice_with_the_same_call_id_returns_the_first_success_and_the_file_exists_once_on_every_node()
    {
        using var fixture = new StateMachineFixture();
        var log = new[]
        {
            Call(1, Create("/f"), Client, 7, Start),
            Call(2, Create("/f"), Client, 7, Start + 3000), // the client's retry after a lost reply, via the new leader
        };
        var leader = fixture.Open("leader");
        var follower = fixture.Open("follower");

        var first = Apply(leader, log[0]);
        var feedAfterFirst = leader.LastChangeIndex;
        var retried = Apply(leader, log[1]);
        StateMachineFixture.ApplyAll(follower, log);

        Assert.True(first.IsOk);
        Assert.True(retried.IsOk, $"the retry failed: {retried.Error}");
        Assert.Equal(first.Value, retried.Value);
        Assert.Equal(feedAfterFirst, leader.LastChangeIndex); // the duplicate changed nothing, not even the feed
        Assert.Equal(["f"], leader.ListStatus("/", null, 10, Root).Value.Entries.Select(e => e.Name));
        Assert.Equal(leader.ComputeChecksum(), follower.ComputeChecksum());
    }

    [Fact]
    public void Without_a_call_id_the_same_create_runs_twice_and_the_second_fails_with_exists()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");

        Apply(machine, Call(1, Create("/f"), Guid.Empty, 0, Start));
        var second = Apply(machine, Call(2, Create("/f"), Guid.Empty, 0, Start + 1));

        Assert.Equal(ErrorCode.FileAlreadyExists, second.Error!.Code);
    }

    [Fact]
    public void A_duplicate_of_a_failed_call_returns_the_same_error_even_after_the_state_would_let_it_succeed()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");

        var failed = Apply(machine, Call(1, new DeleteCommand(Root, "/d", Recursive: false), Client, 1, Start));
        Apply(machine, Call(2, new MkdirsCommand(Root, "/d", 0x1ED, CreateParent: false), Client, 2, Start + 1));
        var duplicate = Apply(machine, Call(3, new DeleteCommand(Root, "/d", Recursive: false), Client, 1, Start + 2));

        Assert.Equal(ErrorCode.FileNotFound, failed.Error!.Code);
        Assert.Equal(failed.Error, duplicate.Error);
        Assert.True(machine.GetFileInfo("/d", Root).IsOk); // the duplicate deleted nothing
    }

    [Fact]
    public void Rename_and_delete_retried_with_the_same_call_id_return_their_first_success()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        Apply(machine, Call(1, Create("/a"), Client, 1, Start));

        var renamed = Apply(machine, Call(2, new RenameCommand(Root, "/a", "/b", Overwrite: false), Client, 2, Start + 1));
        var renamedAgain = Apply(machine, Call(3, new RenameCommand(Root, "/a", "/b", Overwrite: false), Client, 2, Start + 2));
        var deleted = Apply(machine, Call(4, new DeleteCommand(Root, "/b", Recursive: false), Client, 3, Start + 3));
        var deletedAgain = Apply(machine, Call(5, new DeleteCommand(Root, "/b", Recursive: false), Client, 3, Start + 4));

        Assert.True(renamed.IsOk && renamedAgain.IsOk, $"rename retry: {renamedAgain.Error}");
        Assert.Equal(renamed.Value, renamedAgain.Value);
        Assert.True(deleted.IsOk && deletedAgain.IsOk, $"delete retry: {deletedAgain.Error}");
        Assert.Equal(ErrorCode.FileNotFound, machine.GetFileInfo("/b", Root).Error!.Code);
    }

    [Fact]
    public void Calls_are_told_apart_by_client_and_call_id()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        Apply(machine, Call(1, Create("/f"), Client, 1, Start));

        var otherCall = Apply(machine, Call(2, Create("/f"), Client, 2, Start + 1));
        var otherClient = Apply(machine, Call(3, Create("/f"), OtherClient, 1, Start + 2));

        Assert.Equal(ErrorCode.FileAlreadyExists, otherCall.Error!.Code);
        Assert.Equal(ErrorCode.FileAlreadyExists, otherClient.Error!.Code);
    }

    [Fact]
    public void An_outcome_is_forgotten_after_the_window_so_a_late_duplicate_runs_again()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node");
        var window = (long)RetryCacheLimits.Default.Window.TotalMilliseconds;
        Apply(machine, Call(1, Create("/f"), Client, 1, Start));

        var withinWindow = Apply(machine, Call(2, Create("/f"), Client, 1, Start + window - 1));
        var afterWindow = Apply(machine, Call(3, Create("/f"), Client, 1, Start + window));

        Assert.True(withinWindow.IsOk);
        Assert.Equal(ErrorCode.FileAlreadyExists, afterWindow.Error!.Code);
    }

    [Fact]
    public void Expired_entries_are_swept_by_later_calls_in_bounded_steps_identically_on_every_node()
    {
        using var fixture = new StateMachineFixture();
        var limits = RetryCacheLimits.Default with { SweepPerCall = 4 };
        var log = new List<Entry>();
        for (var i = 1; i <= 10; i++)
        {
            log.Add(Call((ulong)i, new MkdirsCommand(Root, $"/d{i}", 0x1ED, CreateParent: false), Client, i, Start + i));
        }

        var late = Start + limits.WindowMs + 100;
        log.Add(Call(11, new MkdirsCommand(Root, "/late1", 0x1ED, CreateParent: false), Client, 11, late));
        log.Add(Call(12, new MkdirsCommand(Root, "/late2", 0x1ED, CreateParent: false), Client, 12, late + 1));
        var one = fixture.Open("one", limits);
        var two = fixture.Open("two", limits);

        StateMachineFixture.ApplyAll(one, log);
        StateMachineFixture.ApplyAll(two, log);

        Assert.Equal(10 + 2 - 4 - 4, one.RetryCacheEntries); // each late call removed 4 of the 10 expired ones
        Assert.Equal(one.ComputeChecksum(), two.ComputeChecksum());
    }

    [Fact]
    public void The_cache_never_holds_more_than_its_bound_the_oldest_go_first()
    {
        using var fixture = new StateMachineFixture();
        var machine = fixture.Open("node", RetryCacheLimits.Default with { MaxEntries = 3 });
        for (var i = 1; i <= 5; i++)
        {
            Apply(machine, Call((ulong)i, new MkdirsCommand(Root, $"/d{i}", 0x1ED, CreateParent: false), Client, i, Start + i));
        }

        var oldest = Apply(machine, Call(6, new MkdirsCommand(Root, "/d1", 0x1ED, CreateParent: false), Client, 1, Start + 6));
        var newest = Apply(machine, Call(7, new MkdirsCommand(Root, "/d5", 0x1ED, CreateParent: false), Client, 5, Start + 7));

        Assert.Equal(ErrorCode.FileAlreadyExists, oldest.Error!.Code); // evicted: executed again
        Assert.True(newest.IsOk);
        Assert.Equal(3, machine.RetryCacheEntries);
    }

    private static CreateFileCommand Create(string path) => new(Root, path, 0x1A4, Overwrite: false, CreateParent: false, 3, 128L << 20);

    private static Entry Call(ulong index, NamespaceCommand command, Guid client, long callId, long timestamp) =>
        new(index, 1, NamespaceCommandCodec.Encode(new ReplicatedCommand(command, timestamp, client, callId)));

    private static Result<FileStatus?> Apply(NamespaceStateMachine machine, Entry entry) => (Result<FileStatus?>)machine.Apply(entry)!;
}
