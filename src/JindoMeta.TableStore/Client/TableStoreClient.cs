using System.Net;
using Google.Protobuf;
using JindoMeta.TableStore.Signing;

namespace JindoMeta.TableStore;

/// <summary>
/// Client of the Tablestore wire protocol (HTTP POST + protobuf + PlainBuffer). Thread-safe; keep one per endpoint:
/// it pools keep-alive connections. Operations live in the <c>TableStoreClient.*.cs</c> partials.
/// </summary>
public sealed partial class TableStoreClient : IDisposable
{
    private static readonly TimeSpan MaxReplyClockSkew = TimeSpan.FromMinutes(15);

    private readonly TableStoreOptions _options;
    private readonly HttpClient _http;
    private readonly TimeProvider _time;
    private readonly RetryPolicy _retry;
    private long _requests;
    private long _retries;

    /// <param name="options">Endpoint and credentials.</param>
    /// <param name="handler">Transport override (tests); default is a pooled <see cref="SocketsHttpHandler"/>.</param>
    /// <param name="timeProvider">Clock for <c>x-ots-date</c> and backoff (tests fix it to reproduce signatures).</param>
    /// <param name="retryPolicy">Backoff and jitter source.</param>
    public TableStoreClient(TableStoreOptions options, HttpMessageHandler? handler = null, TimeProvider? timeProvider = null, RetryPolicy? retryPolicy = null)
    {
        _options = options ?? throw new ArgumentNullException(nameof(options));
        _time = timeProvider ?? TimeProvider.System;
        _retry = retryPolicy ?? new RetryPolicy();
        handler ??= new SocketsHttpHandler
        {
            PooledConnectionIdleTimeout = TimeSpan.FromSeconds(60),
            PooledConnectionLifetime = TimeSpan.FromMinutes(10),
            MaxConnectionsPerServer = options.MaxConnections,
            ConnectTimeout = options.RequestTimeout,
            AutomaticDecompression = DecompressionMethods.None,
            UseProxy = false,
            UseCookies = false,
        };
        _http = new HttpClient(handler, disposeHandler: true)
        {
            Timeout = Timeout.InfiniteTimeSpan,
            DefaultRequestVersion = HttpVersion.Version11,
        };
    }

    public TableStoreOptions Options => _options;

    /// <summary>HTTP attempts made (including retries).</summary>
    public long RequestCount => Interlocked.Read(ref _requests);

    /// <summary>Attempts that were retries of an earlier failure.</summary>
    public long RetryCount => Interlocked.Read(ref _retries);

    public void Dispose() => _http.Dispose();

    private async Task<TResponse> CallAsync<TResponse>(string operation, IMessage request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var body = request.ToByteArray();
        var idempotent = RetryPolicy.IsIdempotent(operation);
        var started = _time.GetTimestamp();
        for (var retry = 0; ; retry++)
        {
            try
            {
                var (replyBody, requestId) = await SendOnceAsync(operation, body, cancellationToken).ConfigureAwait(false);
                TResponse reply;
                try
                {
                    reply = parser.ParseFrom(replyBody);
                }
                catch (InvalidProtocolBufferException e)
                {
                    throw new TableStoreException(operation, TableStoreErrorCodes.ClientInvalidResponse, "cannot decode the reply: " + e.Message, requestId, 200, e);
                }
                if (!reply.IsInitialized())
                {
                    throw new TableStoreException(operation, TableStoreErrorCodes.ClientInvalidResponse, "the reply lacks a required field", requestId, 200);
                }
                return reply;
            }
            catch (TableStoreException e) when (retry < _options.MaxRetries && RetryPolicy.IsRetryable(e.Code, e.ErrorMessage, e.HttpStatus, idempotent))
            {
                var delay = _retry.DelayBefore(retry);
                if (_time.GetElapsedTime(started) + delay > _options.RetryDeadline)
                {
                    throw;
                }
                Interlocked.Increment(ref _retries);
                await Task.Delay(delay, _time, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<(byte[] Body, string? RequestId)> SendOnceAsync(string operation, byte[] body, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _requests);
        using var message = BuildRequest(operation, body);
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        attempt.CancelAfter(_options.RequestTimeout);
        HttpResponseMessage response;
        byte[] replyBody;
        try
        {
            response = await _http.SendAsync(message, HttpCompletionOption.ResponseContentRead, attempt.Token).ConfigureAwait(false);
            replyBody = await response.Content.ReadAsByteArrayAsync(attempt.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TableStoreException(operation, TableStoreErrorCodes.ClientNetworkError, $"no reply within {_options.RequestTimeout.TotalMilliseconds} ms", null, 0, e);
        }
        catch (HttpRequestException e)
        {
            throw new TableStoreException(operation, TableStoreErrorCodes.ClientNetworkError, e.Message, null, 0, e);
        }
        using (response)
        {
            var requestId = Header(response, "x-ots-requestid") ?? Header(response, "x-ots-request-id");
            var status = (int)response.StatusCode;
            var success = status is >= 200 and < 300;
            var error = success ? null : DecodeError(operation, replyBody, requestId, status);
            if (_options.ValidateResponses)
            {
                // An OTSAuthFailed reply is signed with the secret the service knows and dated by its clock; when our
                // secret or clock is what is wrong, neither can match, and the error itself is what the caller needs.
                ValidateReply(operation, response, replyBody, requestId, success, checkSignatureAndDate: error?.Code != TableStoreErrorCodes.AuthFailed);
            }
            if (error is not null)
            {
                throw error;
            }
            return (replyBody, requestId);
        }
    }

    private HttpRequestMessage BuildRequest(string operation, byte[] body)
    {
        var path = "/" + operation;
        var headers = new List<KeyValuePair<string, string>>(7)
        {
            new("x-ots-date", OtsSignature.FormatRequestDate(_time.GetUtcNow())),
            new("x-ots-apiversion", OtsSignature.ApiVersion),
            new("x-ots-accesskeyid", _options.AccessKeyId),
            new("x-ots-instancename", _options.InstanceName),
            new("x-ots-contentmd5", OtsSignature.ContentMd5(body)),
        };
        if (_options.SecurityToken is { } token)
        {
            headers.Add(new("x-ots-ststoken", token));
        }
        var signature = OtsSignature.Sign(_options.AccessKeySecret, OtsSignature.RequestStringToSign(path, headers));
        headers.Add(new("x-ots-signature", signature));
        var message = new HttpRequestMessage(HttpMethod.Post, new Uri(_options.Endpoint, path))
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version11,
        };
        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }
        return message;
    }

    private void ValidateReply(string operation, HttpResponseMessage response, byte[] body, string? requestId, bool success, bool checkSignatureAndDate)
    {
        var status = (int)response.StatusCode;
        var md5 = Header(response, "x-ots-contentmd5");
        if (md5 is null ? success : md5 != OtsSignature.ContentMd5(body))
        {
            throw Invalid(md5 is null ? "the reply has no x-ots-contentmd5" : "the reply body does not match x-ots-contentmd5");
        }
        if (!checkSignatureAndDate)
        {
            return;
        }
        var date = Header(response, "x-ots-date");
        if (date is not null || success)
        {
            if (!OtsSignature.TryParseDate(date, out var replyTime))
            {
                throw Invalid($"the reply's x-ots-date '{date}' is missing or malformed");
            }
            if ((replyTime - _time.GetUtcNow()).Duration() > MaxReplyClockSkew)
            {
                throw Invalid($"the reply's x-ots-date {date} is more than 15 minutes from the local clock");
            }
        }
        var authorization = Header(response, "authorization");
        if (authorization is null)
        {
            if (success)
            {
                throw Invalid("the reply has no authorization header");
            }
            return;
        }
        var prefix = "OTS " + _options.AccessKeyId + ":";
        var expected = OtsSignature.Sign(_options.AccessKeySecret, OtsSignature.ResponseStringToSign(operation, OtsHeaders(response)));
        if (!authorization.StartsWith(prefix, StringComparison.Ordinal) || !OtsSignature.SignaturesEqual(expected, authorization[prefix.Length..]))
        {
            throw Invalid("invalid signature in the reply's authorization header");
        }

        TableStoreException Invalid(string why) => new(operation, TableStoreErrorCodes.ClientInvalidResponse, why, requestId, status);
    }

    private static TableStoreException DecodeError(string operation, byte[] body, string? requestId, int status)
    {
        try
        {
            var error = Protocol.Error.Parser.ParseFrom(body);
            if (error.HasCode && error.Code.Length > 0)
            {
                return new TableStoreException(operation, error.Code, error.HasMessage ? error.Message : string.Empty, requestId, status);
            }
        }
        catch (InvalidProtocolBufferException)
        {
            // Front-end proxies answer with text bodies; fall through to a generic error carrying that text.
        }
        var text = System.Text.Encoding.UTF8.GetString(body.AsSpan(0, Math.Min(body.Length, 512)));
        var code = status switch
        {
            500 => TableStoreErrorCodes.InternalServerError,
            502 or 503 => TableStoreErrorCodes.ServerUnavailable,
            _ => "HTTP" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
        };
        return new TableStoreException(operation, code, text, requestId, status);
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static IEnumerable<KeyValuePair<string, string>> OtsHeaders(HttpResponseMessage response)
    {
        foreach (var header in response.Headers)
        {
            if (header.Key.StartsWith("x-ots-", StringComparison.OrdinalIgnoreCase))
            {
                yield return new(header.Key, string.Join(",", header.Value));
            }
        }
    }
}
