using JindoMeta.Client;
using JindoMeta.Namespace.Errors;
using Grpc.Core;
using JindoMeta.Server.Services;

namespace JindoMeta.Server.Tests;

/// <summary>
/// The numeric codes are a wire contract: the client keeps its own copy (it must not depend on the engine), so
/// this keeps the two enums in step and checks every code maps to a gRPC status.
/// </summary>
public sealed class ErrorCodeContractTests
{
    [Fact]
    public void The_client_knows_every_server_code_by_the_same_name_and_number()
    {
        var server = Enum.GetValues<ErrorCode>().ToDictionary(c => c.ToString(), c => (int)c);
        var client = Enum.GetValues<JindoErrorCode>().ToDictionary(c => c.ToString(), c => (int)c);

        Assert.Equal(server.OrderBy(p => p.Key), client.OrderBy(p => p.Key));
    }

    [Fact]
    public void Only_internal_failures_map_to_INTERNAL()
    {
        var internalCodes = Enum.GetValues<ErrorCode>().Where(c => ErrorMapping.StatusOf(c) == StatusCode.Internal);

        Assert.Equal([ErrorCode.None, ErrorCode.StorageFailure], internalCodes.Order());
    }

    [Fact]
    public void Not_leader_carries_the_leaders_address_in_the_trailer_the_client_follows()
    {
        var error = ErrorMapping.ToRpcException(NamespaceError.NotLeader("127.0.0.2:8101"));

        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("25011", error.Trailers.GetValue(ErrorMapping.ErrorCodeTrailer));
        Assert.Equal("127.0.0.2:8101", error.Trailers.GetValue(ErrorMapping.LeaderTrailer));
        Assert.Equal(RetryAction.FollowLeader, RetryRule.Decide(error, RetrySafety.NotIdempotent));
    }

    [Fact]
    public void No_leader_yet_is_retryable_for_every_call_and_names_no_leader()
    {
        var error = ErrorMapping.ToRpcException(NamespaceError.NoLeader);

        Assert.Null(error.Trailers.GetValue(ErrorMapping.LeaderTrailer));
        Assert.Equal(RetryAction.BackoffAndRotate, RetryRule.Decide(error, RetrySafety.NotIdempotent));
    }

    [Fact]
    public void An_unknown_outcome_is_resent_only_where_the_servers_remember_calls()
    {
        var error = ErrorMapping.ToRpcException(new NamespaceError(ErrorCode.OutcomeUnknown, "leadership changed"));

        Assert.Equal(RetryAction.Fail, RetryRule.Decide(error, RetrySafety.NotIdempotent));
        Assert.Equal(RetryAction.Fail, RetryRule.Decide(error, RetrySafety.Idempotent));
        Assert.Equal(RetryAction.BackoffAndRotate, RetryRule.Decide(error, RetrySafety.NotIdempotent, remembered: true)); // same ids: the retry cache answers
    }
}
