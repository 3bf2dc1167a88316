using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;

namespace JindoMeta.Rpc.Server;

/// <summary>The protocol side of a call: writing messages and ending the call with a status.</summary>
public sealed partial class ServerCallContext
{
    private static readonly string[] _statusStrings = Enumerable.Range(0, 17).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private SemaphoreSlim? _writeLock;
    private bool _responseStarted;
    private bool _completed;
    private bool _writeInterrupted;

    /// <summary>The status for a call cut short: CANCELLED if the client went away, else DEADLINE_EXCEEDED.</summary>
    internal Status CancellationStatus() => _http.RequestAborted.IsCancellationRequested
        ? new Status(StatusCode.Cancelled, "The client cancelled the call.")
        : new Status(StatusCode.DeadlineExceeded, "Deadline exceeded.");

    internal bool IsCancelledByUs => CancellationToken.IsCancellationRequested;

    /// <summary>Streaming calls serialise handler writes with the final status.</summary>
    internal void EnableConcurrentWrites()
    {
        _writeLock = new SemaphoreSlim(1, 1);
        // A long-lived stream may legitimately be idle; Kestrel's minimum data rates would kill it.
        var requestRate = _http.Features.Get<IHttpMinRequestBodyDataRateFeature>();
        if (requestRate is not null)
        {
            requestRate.MinDataRate = null;
        }

        var responseRate = _http.Features.Get<IHttpMinResponseDataRateFeature>();
        if (responseRate is not null)
        {
            responseRate.MinDataRate = null;
        }
    }

    /// <summary>Buffers one message in the response; unary calls let the end of the call flush it with the trailers.</summary>
    internal void WriteMessage(Google.Protobuf.IMessage message)
    {
        StartResponse();
        MessageFraming.Write(_http.Response.BodyWriter, message, Options.MaxSendMessageSize, "Response");
    }

    internal async Task WriteStreamMessageAsync(Google.Protobuf.IMessage message, CancellationToken cancellationToken)
    {
        var writeLock = _writeLock!;
        await writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_completed)
            {
                throw new InvalidOperationException($"The call {Method} has already completed; no more messages can be written.");
            }

            WriteMessage(message);
            using var linked = cancellationToken.CanBeCanceled
                ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, CancellationToken)
                : null;
            try
            {
                await _http.Response.BodyWriter.FlushAsync(linked?.Token ?? CancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                _writeInterrupted = true; // a partial message may sit in the pipe: the stream must be reset, not ended
                throw;
            }
        }
        finally
        {
            writeLock.Release();
        }
    }

    /// <summary>Ends the call: trailers after messages, or a trailers-only response when nothing was sent yet.</summary>
    internal async ValueTask CompleteAsync(Status status, Metadata? extraTrailers)
    {
        if (_writeLock is not null)
        {
            await _writeLock.WaitAsync().ConfigureAwait(false);
        }

        try
        {
            _completed = true;
            if (_http.RequestAborted.IsCancellationRequested)
            {
                return; // the client reset the stream; there is nobody to tell
            }

            if (_writeInterrupted)
            {
                _http.Features.Get<IHttpResetFeature>()?.Reset(0x8); // CANCEL
                return;
            }

            var message = status.Detail.Length == 0 ? null : GrpcMessageEncoding.Encode(status.Detail);
            if (!_responseStarted)
            {
                var headers = _http.Response.Headers;
                _http.Response.ContentType = GrpcProtocol.ContentType;
                AddMetadata(headers, _responseHeaders);
                headers[GrpcProtocol.Status] = _statusStrings[(int)status.Code];
                if (message is not null)
                {
                    headers[GrpcProtocol.Message] = message;
                }

                AddMetadata(headers, _responseTrailers);
                AddMetadata(headers, extraTrailers);
                return;
            }

            var trailers = _http.Features.Get<IHttpResponseTrailersFeature>()!.Trailers;
            trailers[GrpcProtocol.Status] = _statusStrings[(int)status.Code];
            if (message is not null)
            {
                trailers[GrpcProtocol.Message] = message;
            }

            AddMetadata(trailers, _responseTrailers);
            AddMetadata(trailers, extraTrailers);
        }
        finally
        {
            _writeLock?.Release();
        }
    }

    internal void DisposeCall() => _deadlineSource?.Dispose();

    private void StartResponse()
    {
        if (_responseStarted)
        {
            return;
        }

        _responseStarted = true;
        _http.Response.ContentType = GrpcProtocol.ContentType;
        _http.Response.Headers[GrpcProtocol.AcceptEncoding] = GrpcProtocol.IdentityEncoding;
        AddMetadata(_http.Response.Headers, _responseHeaders);
    }

    private static void AddMetadata(IHeaderDictionary headers, Metadata? metadata)
    {
        if (metadata is null)
        {
            return;
        }

        foreach (var entry in metadata)
        {
            headers.Append(entry.Key, Metadata.ToWireValue(entry));
        }
    }
}
