using System.Collections.Concurrent;
using System.Net.Http;
using Grpc.Core;
using Grpc.Net.Client;

namespace JindoMeta.Client;

/// <summary>One operation: attempts, backoff, rotation through the address list and leader redirects.</summary>
public sealed partial class JindoMetaClient
{
    private readonly ConcurrentDictionary<string, GrpcChannel> _channels = new(StringComparer.OrdinalIgnoreCase);
    private readonly List<string> _addresses;
    private readonly Lock _addressLock = new();
    private volatile string _preferred;
    private volatile bool _serversRememberCalls;
    private long _lastCallId;

    /// <summary>Calls <paramref name="method"/> under the operation deadline, retrying as <see cref="RetryRule"/> allows.</summary>
    public async Task<TResponse> InvokeAsync<TRequest, TResponse>(
        Method<TRequest, TResponse> method, TRequest request, RetrySafety safety, CancellationToken cancellationToken = default)
        where TRequest : class
        where TResponse : class
    {
        var deadline = DateTime.UtcNow + Options.Deadline;
        var headers = new Metadata();
        if (Options.User is { } user)
        {
            headers.Add(JindoMetaClientOptions.UserHeader, user);
        }

        var identified = NamespaceMethods.IsMutating(method.FullName);
        if (identified)
        {
            // One call id per operation: every attempt of it carries the same pair, so the server can tell a retry.
            headers.Add(JindoMetaClientOptions.ClientIdHeader, _clientIdText);
            headers.Add(JindoMetaClientOptions.CallIdHeader, NextCallId().ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        var address = _preferred;
        var retries = 0;
        var electionAnswers = 0;
        HashSet<string>? unreachable = null; // addresses this operation could not connect to
        HashSet<string>? refusedHandshakes = null; // addresses whose TLS handshake failed
        for (var attempt = 1; ; attempt++)
        {
            RpcException failure;
            try
            {
                using var call = ChannelFor(address).CreateCallInvoker()
                    .AsyncUnaryCall(method, null, new CallOptions(headers, deadline, cancellationToken), request);
                var response = await call.ResponseAsync.ConfigureAwait(false);
                _preferred = address;
                if (identified)
                {
                    NoteRetryCache(call.GetTrailers());
                }

                return response;
            }
            catch (RpcException e)
            {
                failure = e;
            }

            if (identified)
            {
                NoteRetryCache(failure.Trailers);
            }

            var action = RetryRule.Decide(failure, safety, remembered: identified && ServersRememberCalls);
            if (HandshakeFailure(failure) is { } handshake)
            {
                // Trust is configuration, not a passing fault: retrying that server cannot help, another may be fine.
                (unreachable ??= new(StringComparer.OrdinalIgnoreCase)).Add(address);
                (refusedHandshakes ??= new(StringComparer.OrdinalIgnoreCase)).Add(address);
                if (refusedHandshakes.Count >= KnownAddressCount())
                {
                    throw new JindoMetaException(StatusCode.Unavailable, JindoErrorCode.None, $"TLS handshake with {address} failed: {handshake}", address, failure);
                }

                address = NextAfter(address, unreachable);
                continue;
            }

            if (action == RetryAction.Fail)
            {
                throw ToException(failure, address, attempt);
            }

            if (RetryRule.IsConnectFailure(failure))
            {
                (unreachable ??= new(StringComparer.OrdinalIgnoreCase)).Add(address);
            }

            // An election is running when a live server knows no leader (25012), or names one that just refused us
            // (right after a leader dies its followers still name it). Such answers are not failures of the call: they
            // do not use up the attempts, and the client asks again every 50-100 ms (within the deadline), so it finds
            // the new leader as soon as one is elected instead of after a long backoff.
            var leader = failure.Trailers.GetValue(RetryRule.LeaderTrailer);
            var staleHint = action == RetryAction.FollowLeader && leader is not null && unreachable?.Contains(leader) == true;
            var electing = staleHint || failure.Trailers.GetValue(RetryRule.ErrorCodeTrailer) == RetryRule.NoLeaderCode;
            if (electing)
            {
                electionAnswers++;
            }

            if (attempt - electionAnswers >= Options.MaxAttempts)
            {
                throw ToException(failure, address, attempt, "attempt limit reached");
            }

            if (action == RetryAction.FollowLeader && !staleHint && !string.Equals(leader, address, StringComparison.OrdinalIgnoreCase))
            {
                address = Remember(leader!);
                _preferred = address;
                continue; // the hint is an answer, not a failure: no wait
            }

            var delay = electing
                ? RetryRule.Backoff(1, Options.InitialBackoff, Options.MaxBackoff, Options.Random)
                : RetryRule.Backoff(retries++, Options.InitialBackoff, Options.MaxBackoff, Options.Random);
            var remaining = deadline - DateTime.UtcNow;
            if (remaining <= delay)
            {
                throw ToException(failure, address, attempt, $"deadline of {Options.Deadline.TotalSeconds:0.###}s exceeded", StatusCode.DeadlineExceeded);
            }

            await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            address = NextAfter(address, unreachable);
        }
    }

    /// <summary>
    /// Whether a server of the address list has declared a retry cache (trailer <c>jindo-retry-cache</c> on a
    /// mutating call). All addresses of one list are assumed to run the same backend, so one declaration covers the
    /// cluster; until the first declaration arrives, a call whose outcome is unknown is not resent.
    /// </summary>
    public bool ServersRememberCalls => _serversRememberCalls;

    public void Dispose()
    {
        foreach (var channel in _channels.Values)
        {
            channel.Dispose();
        }

        _channels.Clear();
    }

    private long NextCallId() => Interlocked.Increment(ref _lastCallId);

    private void NoteRetryCache(Metadata trailers)
    {
        if (!_serversRememberCalls && RetryRule.DeclaresRetryCache(trailers))
        {
            _serversRememberCalls = true;
        }
    }

    private GrpcChannel ChannelFor(string address) => _channels.GetOrAdd(address, static (a, client) => CreateChannel(a, client.Options, client._tls), this);

    /// <summary>One HTTP/2 channel per server, cleartext or TLS, opened on first use.</summary>
    private static GrpcChannel CreateChannel(string address, JindoMetaClientOptions options, ClientTls? tls) =>
        GrpcChannel.ForAddress(tls is null ? $"http://{address}" : $"https://{address}", new GrpcChannelOptions
        {
            HttpHandler = WrapHandler(options, new SocketsHttpHandler
            {
                ConnectTimeout = options.ConnectTimeout,
                // Past 100 concurrent calls (the server's stream limit may be lower) open another connection
                // instead of queueing behind one.
                EnableMultipleHttp2Connections = true,
                PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
                KeepAlivePingDelay = TimeSpan.FromSeconds(60),
                KeepAlivePingTimeout = TimeSpan.FromSeconds(20),
                // File reads stream megabytes per call: start with a window for a few 1 MiB messages.
                InitialHttp2StreamWindowSize = 16 * 1024 * 1024,
                SslOptions = tls?.HandshakeOptions() ?? new System.Net.Security.SslClientAuthenticationOptions(),
            }),
            MaxReceiveMessageSize = options.MaxReceiveMessageSize,
            DisposeHttpClient = true,
        });

    private static HttpMessageHandler WrapHandler(JindoMetaClientOptions options, SocketsHttpHandler transport) =>
        options.TransportWrapper is { } wrap ? wrap(transport) : transport;

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

    /// <summary>The address after <paramref name="address"/> in the list, passing over those this operation could
    /// not reach while others remain untried (a dead node is tried again only when every node failed).</summary>
    private string NextAfter(string address, HashSet<string>? unreachable)
    {
        lock (_addressLock)
        {
            var index = _addresses.FindIndex(a => string.Equals(a, address, StringComparison.OrdinalIgnoreCase));
            for (var step = 1; step <= _addresses.Count; step++)
            {
                var next = _addresses[(index + step) % _addresses.Count];
                if (unreachable?.Contains(next) != true)
                {
                    return next;
                }
            }

            unreachable!.Clear(); // all failed: start over
            return _addresses[(index + 1) % _addresses.Count];
        }
    }

    private JindoMetaException ToException(RpcException failure, string address, int attempts, string? note = null, StatusCode? status = null)
    {
        var codeText = failure.Trailers.GetValue(RetryRule.ErrorCodeTrailer);
        var code = int.TryParse(codeText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? (JindoErrorCode)number
            : JindoErrorCode.None;
        var message = TransportReason(failure) ?? (failure.Status.Detail.Length == 0 ? failure.StatusCode.ToString() : failure.Status.Detail);
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

    private int KnownAddressCount()
    {
        lock (_addressLock)
        {
            return _addresses.Count;
        }
    }

    /// <summary>Why a TLS handshake failed (our own check's reason when it refused the server), or null when it did not.</summary>
    private string? HandshakeFailure(RpcException failure)
    {
        var rejected = RetryRule.TransportCauses(failure).OfType<System.Security.Authentication.AuthenticationException>().FirstOrDefault();
        return rejected is null ? null : _tls?.LastRefusal ?? rejected.Message;
    }

    /// <summary>What the socket said ("Connection refused"), clearer than gRPC's "Error connecting to subchannel."</summary>
    private static string? TransportReason(RpcException failure) =>
        RetryRule.TransportCauses(failure).OfType<System.Net.Sockets.SocketException>().FirstOrDefault()?.Message;
}
