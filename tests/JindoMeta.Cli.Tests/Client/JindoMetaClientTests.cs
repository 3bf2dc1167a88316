using System.Diagnostics;
using JindoMeta.Client;
using JindoMeta.Protos.V1;
using Grpc.Core;
using Microsoft.AspNetCore.Http;

namespace JindoMeta.Cli.Tests.Client;

public sealed class JindoMetaClientTests
{
    private static JindoMetaClient NewClient(TimeSpan? deadline = null, params string[] addresses) => new(new JindoMetaClientOptions
    {
        Addresses = addresses,
        User = "alice",
        Deadline = deadline ?? TimeSpan.FromSeconds(10),
        InitialBackoff = TimeSpan.FromMilliseconds(1),
        MaxBackoff = TimeSpan.FromMilliseconds(5),
        Random = new Random(7),
    });

    private static Task Ok(string method, ServerCallContext context) => Task.CompletedTask;

    [Fact]
    public async Task A_dead_first_address_fails_over_to_the_next_and_it_becomes_preferred()
    {
        await using var good = await FakeNamespaceServer.StartAsync(Ok);
        using var client = NewClient(null, FakeNamespaceServer.DeadAddress(), good.Address);

        var status = await client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = "test", Path = "/a" });

        Assert.Equal("/a", status.Path);
        Assert.Equal(good.Address, client.PreferredAddress);
    }

    [Fact]
    public async Task A_create_is_retried_on_connection_refused_because_it_was_never_sent()
    {
        await using var good = await FakeNamespaceServer.StartAsync(Ok);
        using var client = NewClient(null, FakeNamespaceServer.DeadAddress(), good.Address);

        await client.CreateAsync(new CreateRequest { Namespace = "test", Path = "/f" });

        Assert.Equal(1, good.CallCount("Create"));
    }

    [Fact]
    public async Task A_not_leader_answer_sends_the_call_straight_to_the_named_leader()
    {
        await using var leader = await FakeNamespaceServer.StartAsync(Ok);
        await using var follower = await FakeNamespaceServer.StartAsync((_, _) => throw FakeNamespaceServer.NotLeader(leader.Address));
        using var client = NewClient(TimeSpan.FromSeconds(10), follower.Address);

        await client.CreateAsync(new CreateRequest { Namespace = "test", Path = "/f" }); // not idempotent: still safe, not applied
        await client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = "test", Path = "/f" });

        Assert.Equal(1, follower.CallCount("Create"));
        Assert.Equal(1, leader.CallCount("Create"));
        Assert.Equal(0, follower.CallCount("GetFileInfo")); // the leader is remembered
        Assert.Equal(leader.Address, client.PreferredAddress);
    }

    [Fact]
    public async Task Followers_still_naming_a_dead_leader_do_not_use_up_the_attempts_on_it_while_the_new_leader_is_elected()
    {
        // After the leader died, both followers name it for their first six answers; then C leads and B says so.
        var dead = FakeNamespaceServer.DeadAddress();
        var answers = 0;
        FakeNamespaceServer? c = null;
        Task Follower(bool isC) => Interlocked.Increment(ref answers) <= 6 ? throw FakeNamespaceServer.NotLeader(dead)
            : isC ? Task.CompletedTask : throw FakeNamespaceServer.NotLeader(c!.Address);
        await using var b = await FakeNamespaceServer.StartAsync((_, _) => Follower(isC: false));
        await using var cServer = await FakeNamespaceServer.StartAsync((_, _) => Follower(isC: true));
        c = cServer;
        using var client = new JindoMetaClient(new JindoMetaClientOptions
        {
            Addresses = [b.Address, dead, c.Address],
            User = "alice",
            MaxAttempts = 9,
            InitialBackoff = TimeSpan.FromMilliseconds(1),
            MaxBackoff = TimeSpan.FromMilliseconds(5),
        });

        await client.CreateAsync(new CreateRequest { Namespace = "test", Path = "/f" });

        // The dead address was tried once: every later hint naming it waited and asked another follower instead.
        Assert.Equal(8, b.CallCount("Create") + c.CallCount("Create")); // following every hint would have spent 4 of the 9 attempts on the dead one
        Assert.Equal(c.Address, client.PreferredAddress);
    }

    [Fact]
    public async Task No_leader_answers_during_an_election_do_not_use_up_the_attempts()
    {
        var answers = 0;
        await using var node = await FakeNamespaceServer.StartAsync((_, _) => Interlocked.Increment(ref answers) <= 15
            ? throw new RpcException(new Status(StatusCode.Unavailable, "No leader is elected at the moment; retry shortly"), new Metadata { { "jindo-error-code", "25012" } })
            : Task.CompletedTask);
        using var client = new JindoMetaClient(new JindoMetaClientOptions
        {
            Addresses = [node.Address],
            User = "alice",
            MaxAttempts = 3,
            InitialBackoff = TimeSpan.FromMilliseconds(2),
            MaxBackoff = TimeSpan.FromSeconds(5),
        });

        await client.CreateAsync(new CreateRequest { Namespace = "test", Path = "/f" }); // 15 answers, 3 attempts: they are not failures

        Assert.Equal(16, node.CallCount("Create"));
    }

    [Fact]
    public async Task A_server_slower_than_the_deadline_ends_the_call_with_deadline_exceeded()
    {
        await using var slow = await FakeNamespaceServer.StartAsync((_, context) => Task.Delay(TimeSpan.FromSeconds(20), context.CancellationToken));
        using var client = NewClient(TimeSpan.FromMilliseconds(300), slow.Address);
        var clock = Stopwatch.StartNew();

        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/a" }));

        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"took {clock.Elapsed}");
        Assert.Equal(1, slow.CallCount("GetFileInfo"));
    }

    [Fact]
    public async Task A_transport_failure_after_sending_retries_reads_but_not_creates()
    {
        var failNext = 0;
        await using var flaky = await FakeNamespaceServer.StartAsync((_, _) =>
            Interlocked.Exchange(ref failNext, 0) == 1 ? throw new RpcException(new Status(StatusCode.Unavailable, "HTTP/2 stream reset")) : Task.CompletedTask);
        using var client = NewClient(null, flaky.Address);

        failNext = 1;
        await client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/a" });
        Assert.Equal(2, flaky.CallCount("GetFileInfo"));

        failNext = 1;
        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.CreateAsync(new CreateRequest { Path = "/f" }));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, flaky.CallCount("Create"));
    }

    [Fact]
    public async Task A_stream_reset_by_the_server_after_the_request_arrived_is_not_retried_for_a_create()
    {
        await using var resetting = await FakeNamespaceServer.StartAsync((_, context) =>
        {
            context.GetHttpContext().Abort(); // RST_STREAM: the request reached the server, the reply never comes
            return Task.Delay(TimeSpan.FromSeconds(5), context.CancellationToken);
        });
        using var client = NewClient(null, resetting.Address);

        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.CreateAsync(new CreateRequest { Path = "/f" }));

        Assert.Equal(JindoErrorCode.None, error.ErrorCode);
        Assert.Equal(1, resetting.CallCount("Create"));
    }

    [Fact]
    public async Task An_unavailable_answer_with_an_error_code_was_not_applied_so_even_a_delete_is_retried()
    {
        var failures = 2;
        await using var starting = await FakeNamespaceServer.StartAsync((_, _) => Interlocked.Decrement(ref failures) >= 0
            ? throw new RpcException(new Status(StatusCode.Unavailable, "Starting"), new Metadata { { "jindo-error-code", "25012" } })
            : Task.CompletedTask);
        using var client = NewClient(null, starting.Address);

        await client.DeleteAsync(new DeleteRequest { Path = "/f" });

        Assert.Equal(3, starting.CallCount("Delete"));
    }

    [Fact]
    public async Task Every_address_dead_gives_an_error_naming_the_config_key_after_the_attempt_limit()
    {
        using var client = NewClient(null, FakeNamespaceServer.DeadAddress(), FakeNamespaceServer.DeadAddress());

        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/" }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Contains("jfs.namespace.server.rpc-address", error.ServerMessage, StringComparison.Ordinal);
        Assert.Contains("10 attempts", error.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Server_errors_become_typed_exceptions_with_the_numeric_code()
    {
        await using var server = await FakeNamespaceServer.StartAsync((_, _) =>
            throw new RpcException(new Status(StatusCode.NotFound, "/x: No such file or directory"), new Metadata { { "jindo-error-code", "25001" } }));
        using var client = NewClient(null, server.Address);

        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/x" }));

        Assert.Equal(JindoErrorCode.FileNotFound, error.ErrorCode);
        Assert.Equal(StatusCode.NotFound, error.StatusCode);
        Assert.Equal("/x: No such file or directory", error.ServerMessage);
        Assert.Null(await client.TryGetFileInfoAsync("", "/x"));
        Assert.Equal(2, server.CallCount("GetFileInfo")); // not found is final: no retries
    }

    [Fact]
    public async Task The_user_travels_in_the_x_jindo_user_header()
    {
        await using var server = await FakeNamespaceServer.StartAsync(Ok);
        using var client = NewClient(null, server.Address);

        await client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/" });

        Assert.Equal("alice", Assert.Single(server.Calls).User);
    }

    [Fact]
    public async Task ListAll_walks_every_page_with_the_cursor()
    {
        var names = new[] { "a", "b", "c", "d", "e" };
        await using var server = await FakeNamespaceServer.StartAsync(Ok, request =>
        {
            var rest = names.Where(n => string.CompareOrdinal(n, request.StartAfter) > 0).ToList();
            var page = rest.Take(request.Limit).ToList();
            var response = new ListStatusResponse { HasMore = rest.Count > page.Count, NextCursor = rest.Count > page.Count ? page[^1] : "" };
            response.Entries.AddRange(page.Select(n => new FileStatus { Path = "/d/" + n }));
            return response;
        });
        using var client = NewClient(null, server.Address);

        var listed = new List<string>();
        await foreach (var entry in client.ListAllAsync("test", "/d", pageSize: 2))
        {
            listed.Add(entry.Path);
        }

        Assert.Equal(names.Select(n => "/d/" + n), listed);
        Assert.Equal(3, server.CallCount("ListStatus"));
    }

    [Theory]
    [InlineData("host")]
    [InlineData("host:0")]
    [InlineData("host:99999")]
    [InlineData("a:1,,b:2")]
    [InlineData(":8101")]
    public void A_malformed_rpc_address_names_the_config_key(string value) =>
        Assert.Contains("jfs.namespace.server.rpc-address", Assert.Throws<FormatException>(() => RpcAddressList.Parse(value)).Message, StringComparison.Ordinal);

    [Fact]
    public void Rpc_address_lists_parse_in_order_without_duplicates() =>
        Assert.Equal(["h1:8101", "10.0.0.2:8101", "[::1]:8101"], RpcAddressList.Parse("h1:8101, 10.0.0.2:8101,[::1]:8101,h1:8101"));
}
