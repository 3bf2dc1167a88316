using System.Collections.Concurrent;
using Google.Protobuf;
using JindoMeta.Rpc;
using JindoMeta.Rpc.Client;

namespace JindoMeta.Client;

/// <summary>One operation: attempts, backoff, rotation through the address list and leader redirects.</summary>
public sealed partial class JindoMetaClient
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _addresses;
    private readonly Lock _addressLock = new();
    private volatile string _preferred;

    /// <summary>Calls <paramref name="method"/> under the operation deadline, retrying as <see cref="RetryRule"/> allows.</summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        GrpcMethod<TRequest, TResponse> method, TRequest request, RetrySafety safety, CancellationToken cancellationToken = default)
        where TRequest : IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>
    {
        var deadline = DateTime.UtcNow + Options.Deadline;
        var headers = new Metadata { { JindoMetaClientOptions.UserHeader, Options.User } };
        var address = _preferred;
        var retries = 0;
        for (var attempt = 1; ; attempt++)
        {
            RpcException failure;
            try
            {
                var response = await ChannelFor(address).CallUnaryAsync(method, request, new CallOptions(headers, Deadline: deadline, CancellationToken: cancellationToken))
                    .ConfigureAwait(false);
                _preferred = address;
                return response;
            }
            catch (RpcException e)
            {
                failure = e;
            }

            var action = RetryRule.Decide(failure, safety);
            if (action == RetryAction.Fail)
            {
                throw ToException(failure, address, attempt);
            }

            if (attempt >= Options.MaxAttempts)
            {
                throw ToException(failure, address, attempt, "attempt limit reached");
            }

            var leader = failure.Trailers.GetString(RetryRule.LeaderTrailer);
            if (action == RetryAction.FollowLeader && !string.Equals(leader, address, StringComparison.OrdinalIgnoreCase))
            {
                address = Remember(leader!);
                _preferred = address;
                continue; // the hint is an answer, not a failure: no wait
            }

            var delay = RetryRule.Backoff(retries++, Options.InitialBackoff, Options.MaxBackoff, Options.Random);
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= delay)
            {
                throw ToException(failure, address, attempt, $"deadline of {Options.Deadline.TotalSeconds:0.###}s exceeded", StatusCode.DeadlineExceeded);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            address = NextAfter(address);
        }
    }

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }

    private GrpcChannel ChannelFor(string address) =>
        _channels.GetOrAdd(address, static (a, options) => new GrpcChannel(a, new GrpcChannelOptions { ConnectTimeout = options.ConnectTimeout }), Options);

    private string Remember(string address)
    {
        lock (_addressLock)
        {
            var known = _addresses.Find(a => string.Equals(a, address, StringComparison.OrdinalIgnoreCase));
            if (known is not null)
            {
                return known;
            }

            _addresses.Add(address); // a leader outside the configured list (e.g. after a membership change)
            return address;
        }
    }

    private string NextAfter(string address)
    {
        lock (_addressLock)
        {
            var index = _addresses.FindIndex(a => string.Equals(a, address, StringComparison.OrdinalIgnoreCase));
            return _addresses[(index + 1) % _addresses.Count];
        }
    }

    private JindoMetaException ToException(RpcException failure, string address, int attempts, string? note = null, StatusCode? status = null)
    {
        var codeText = failure.Trailers.GetString(RetryRule.ErrorCodeTrailer);
        var code = int.TryParse(codeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? (JindoErrorCode)number
            : JindoErrorCode.None;
        var message = failure.Status.Detail.Length == 0 ? failure.StatusCode.ToString() : failure.Status.Detail;
        if (failure.StatusCode == StatusCode.Unavailable && code == JindoErrorCode.None)
        {
            message = $"Cannot reach a JindoMeta server ({RpcAddressList.ConfigKey} = {string.Join(",", Options.Addresses)}; " +
                $"{attempts} attempt{(attempts == 1 ? "" : "s")}{(note is null ? "" : ", " + note)}): {message}";
        }
        else if (note is not null)
        {
            message = $"{message} ({note})";
        }

        return new JindoMetaException(status ?? failure.StatusCode, code, message, address, failure);
    }
}
