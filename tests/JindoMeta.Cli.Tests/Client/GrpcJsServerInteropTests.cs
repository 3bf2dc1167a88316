using System.Diagnostics;
using Grpc.Core;
using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Tests.Client;

/// <summary>
/// Our client library against an independent server: grpc-js (node/namespace-server.js, from the public .proto),
/// scripted to answer normally, NOT_FOUND with its trailer, NOT_LEADER naming a second grpc-js server, or never.
/// </summary>
public sealed class GrpcJsServerInteropTests : IAsyncLifetime
{
    private GrpcJsNamespaceServer _peer = null!;

    public async Task InitializeAsync() => _peer = await GrpcJsNamespaceServer.StartAsync();

    public async Task DisposeAsync() => await _peer.DisposeAsync();

    [Fact]
    public async Task A_grpc_js_server_answers_get_file_info_and_receives_the_user_and_the_deadline()
    {
        using var client = NewClient(TimeSpan.FromSeconds(30), _peer.LeaderAddress);

        var status = await client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = "test", Path = "/data/part-0", IncludeBlocks = true });

        Assert.Equal(("/data/part-0", FileType.File, 42L), (status.Path, status.Type, status.Length));
        Assert.Equal(("alice", "grpc-js", 420u), (status.Owner, status.Group, status.Permission));
        var block = Assert.Single(status.Blocks);
        Assert.Equal((7L, 42L, 1001L), (block.BlockId, block.NumBytes, block.GenerationStamp));
        var call = Assert.Single(await _peer.CallsAsync());
        Assert.Equal("alice", call.User);
        Assert.InRange(call.DeadlineMs ?? -1, 1, 30_000); // grpc-timeout from the operation deadline
    }

    [Fact]
    public async Task Not_found_from_grpc_js_becomes_a_JindoMetaException_with_code_25001_and_is_not_retried()
    {
        using var client = NewClient(TimeSpan.FromSeconds(30), _peer.LeaderAddress);

        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/missing/x" }));

        Assert.Equal((StatusCode.NotFound, JindoErrorCode.FileNotFound), (error.StatusCode, error.ErrorCode));
        Assert.True(error.IsNotFound);
        Assert.Equal("/missing/x: No such file or directory", error.ServerMessage);
        Assert.Equal(_peer.LeaderAddress, error.Address);
        Assert.Null(await client.TryGetFileInfoAsync("", "/missing/y"));
        Assert.Equal(2, Count(await _peer.CallsAsync(), "leader", "GetFileInfo"));
    }

    [Fact]
    public async Task Not_leader_from_a_grpc_js_follower_sends_the_call_to_the_leader_it_names_and_the_client_stays_there()
    {
        using var client = NewClient(TimeSpan.FromSeconds(30), _peer.FollowerAddress);

        var created = await client.CreateAsync(new CreateRequest { Namespace = "test", Path = "/new" }); // not idempotent: NOT_LEADER was not applied
        var status = await client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = "test", Path = "/new" });

        Assert.True(created!.UnderConstruction);
        Assert.Equal("/new", status.Path);
        Assert.Equal(_peer.LeaderAddress, client.PreferredAddress);
        var calls = await _peer.CallsAsync();
        Assert.Equal((1, 1), (Count(calls, "follower", "Create"), Count(calls, "leader", "Create")));
        Assert.Equal((0, 1), (Count(calls, "follower", "GetFileInfo"), Count(calls, "leader", "GetFileInfo")));
    }

    [Fact]
    public async Task A_follower_that_names_itself_ends_in_a_not_leader_exception_with_code_25011_after_the_attempt_limit()
    {
        using var client = NewClient(TimeSpan.FromSeconds(30), _peer.FollowerAddress);

        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/stuck" }));

        Assert.Equal((StatusCode.Unavailable, JindoErrorCode.NotLeader), (error.StatusCode, error.ErrorCode));
        Assert.Contains("attempt limit reached", error.ServerMessage, StringComparison.Ordinal);
        var calls = await _peer.CallsAsync();
        Assert.Equal(10, Count(calls, "follower", "GetFileInfo")); // MaxAttempts, all on the one address it knows
        Assert.Equal(0, Count(calls, "leader", "GetFileInfo"));
    }

    [Fact]
    public async Task The_client_deadline_ends_a_call_that_the_grpc_js_handler_never_answers()
    {
        using var client = NewClient(TimeSpan.FromSeconds(1), _peer.LeaderAddress);
        var clock = Stopwatch.StartNew();

        // WaitAsync: a client that lost its deadline fails here instead of hanging the test run.
        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/hang" }).WaitAsync(TimeSpan.FromSeconds(60)));

        clock.Stop();
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.Equal(JindoErrorCode.None, error.ErrorCode);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(900), $"gave up early: {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(15), $"took {clock.Elapsed} for a 1 s deadline");
        var call = Assert.Single(await _peer.CallsAsync()); // a deadline is final: no retry
        Assert.Equal(("leader", "/hang"), (call.Server, call.Path));
        Assert.InRange(call.DeadlineMs ?? -1, 1, 1000); // the server was told the same deadline
    }

    private static int Count(IEnumerable<PeerCall> calls, string server, string method) => calls.Count(c => c.Server == server && c.Method == method);

    private static JindoMetaClient NewClient(TimeSpan deadline, params string[] addresses) => new(new JindoMetaClientOptions
    {
        Addresses = addresses,
        User = "alice",
        Deadline = deadline,
        InitialBackoff = TimeSpan.FromMilliseconds(1),
        MaxBackoff = TimeSpan.FromMilliseconds(5),
        Random = new Random(7),
    });
}
