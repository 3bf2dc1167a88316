using Grpc.Core;
using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Tests.Client;

/// <summary>RetryRule case 4: a non-idempotent call is resent, with the same ids, only when its outcome is unknown and the servers remember calls.</summary>
public sealed class RetryCacheClientTests
{
    private static readonly Metadata.Entry Declared = new("jindo-retry-cache", "1");

    private static JindoMetaClient NewClient(params string[] addresses) => new(new JindoMetaClientOptions
    {
        Addresses = addresses,
        User = "alice",
        Deadline = TimeSpan.FromSeconds(10),
        InitialBackoff = TimeSpan.FromMilliseconds(1),
        MaxBackoff = TimeSpan.FromMilliseconds(5),
        Random = new Random(7),
    });

    private static RpcException LostReply() => new(new Status(StatusCode.Unavailable, "HTTP/2 stream reset"));

    private static RpcException OutcomeUnknown() =>
        new(new Status(StatusCode.Aborted, "Leadership changed"), new Metadata { { "jindo-error-code", "25015" } });

    [Fact]
    public async Task Where_a_retry_cache_was_declared_a_create_whose_reply_was_lost_is_resent_with_the_same_client_and_call_id()
    {
        var loseNext = 0;
        await using var server = await FakeNamespaceServer.StartAsync((_, context) =>
        {
            if (Interlocked.Exchange(ref loseNext, 0) == 1)
            {
                throw LostReply(); // no trailers, as when the connection dies
            }

            context.ResponseTrailers.Add(Declared);
            return Task.CompletedTask;
        });
        using var client = NewClient(server.Address);
        await client.DeleteAsync(new DeleteRequest { Path = "/old" }); // the server declares its cache here

        loseNext = 1;
        await client.CreateAsync(new CreateRequest { Path = "/f" });

        var creates = server.CallIds.Where(c => c.Method == "Create").ToList();
        var delete = server.CallIds.Single(c => c.Method == "Delete");
        Assert.Equal(2, creates.Count);
        Assert.Equal(creates[0], creates[1]);
        Assert.Equal(client.ClientId.ToString("N"), creates[0].ClientId);
        Assert.Equal(delete.ClientId, creates[0].ClientId);
        Assert.NotEqual(delete.CallId, creates[0].CallId); // a new operation gets a new call id
    }

    [Fact]
    public async Task Without_a_declared_retry_cache_a_create_whose_reply_was_lost_is_not_resent()
    {
        var loseNext = 0;
        await using var server = await FakeNamespaceServer.StartAsync((_, _) =>
            Interlocked.Exchange(ref loseNext, 0) == 1 ? throw LostReply() : Task.CompletedTask);
        using var client = NewClient(server.Address);
        await client.DeleteAsync(new DeleteRequest { Path = "/old" });

        loseNext = 1;
        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.CreateAsync(new CreateRequest { Path = "/f" }));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal(1, server.CallCount("Create"));
        Assert.False(client.ServersRememberCalls);
    }

    [Fact]
    public async Task Outcome_unknown_from_a_server_with_a_retry_cache_is_resent_to_the_next_address_with_the_same_ids()
    {
        await using var newLeader = await FakeNamespaceServer.StartAsync((_, context) =>
        {
            context.ResponseTrailers.Add(Declared);
            return Task.CompletedTask;
        });
        await using var oldLeader = await FakeNamespaceServer.StartAsync((_, context) =>
        {
            context.ResponseTrailers.Add(Declared); // sent with the error, as the real server does
            throw OutcomeUnknown();
        });
        using var client = NewClient(oldLeader.Address, newLeader.Address);

        await client.CreateAsync(new CreateRequest { Path = "/f" });

        var first = Assert.Single(oldLeader.CallIds);
        var retried = Assert.Single(newLeader.CallIds);
        Assert.Equal(first, retried);
        Assert.NotNull(first.CallId);
    }

    [Fact]
    public async Task Outcome_unknown_from_a_server_without_a_retry_cache_is_final()
    {
        await using var server = await FakeNamespaceServer.StartAsync((_, _) => throw OutcomeUnknown());
        using var client = NewClient(server.Address);

        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.CreateAsync(new CreateRequest { Path = "/f" }));

        Assert.Equal(JindoErrorCode.OutcomeUnknown, error.ErrorCode);
        Assert.Equal(1, server.CallCount("Create"));
    }

    [Fact]
    public async Task A_known_outcome_is_never_resent_even_where_calls_are_remembered()
    {
        await using var server = await FakeNamespaceServer.StartAsync((_, context) =>
        {
            context.ResponseTrailers.Add(Declared);
            throw new RpcException(new Status(StatusCode.AlreadyExists, "/f: File exists"), new Metadata { { "jindo-error-code", "25002" } });
        });
        using var client = NewClient(server.Address);

        var error = await Assert.ThrowsAsync<JindoMetaException>(() => client.CreateAsync(new CreateRequest { Path = "/f" }));

        Assert.Equal(JindoErrorCode.FileAlreadyExists, error.ErrorCode);
        Assert.Equal(1, server.CallCount("Create"));
        Assert.True(client.ServersRememberCalls);
    }

    [Fact]
    public async Task Reads_carry_no_call_id_and_each_mutating_operation_gets_a_new_one()
    {
        await using var server = await FakeNamespaceServer.StartAsync((_, _) => Task.CompletedTask);
        using var client = NewClient(server.Address);

        await client.GetFileInfoAsync(new GetFileInfoRequest { Path = "/" });
        await client.CreateAsync(new CreateRequest { Path = "/a" });
        await client.CreateAsync(new CreateRequest { Path = "/b" });

        var calls = server.CallIds.ToList();
        Assert.Equal(("GetFileInfo", (string?)null, (string?)null), calls[0]);
        Assert.Equal(["1", "2"], calls.Skip(1).Select(c => c.CallId));
    }

    [Theory]
    [InlineData(StatusCode.Aborted, "25015", false, RetryAction.Fail)]
    [InlineData(StatusCode.Aborted, "25015", true, RetryAction.BackoffAndRotate)]
    [InlineData(StatusCode.Aborted, null, true, RetryAction.Fail)]
    [InlineData(StatusCode.Unavailable, null, false, RetryAction.Fail)]
    [InlineData(StatusCode.Unavailable, null, true, RetryAction.BackoffAndRotate)]
    [InlineData(StatusCode.AlreadyExists, "25002", true, RetryAction.Fail)]
    [InlineData(StatusCode.DeadlineExceeded, null, true, RetryAction.Fail)]
    public void The_rule_for_a_non_idempotent_call(StatusCode status, string? code, bool remembered, RetryAction expected)
    {
        var trailers = code is null ? new Metadata() : new Metadata { { "jindo-error-code", code } };

        Assert.Equal(expected, RetryRule.Decide(new RpcException(new Status(status, "x"), trailers), RetrySafety.NotIdempotent, remembered));
    }
}
