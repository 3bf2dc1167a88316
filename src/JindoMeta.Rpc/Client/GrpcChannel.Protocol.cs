using System.Net;
using System.Net.Http.Headers;

namespace JindoMeta.Rpc.Client;

/// <summary>Reading statuses and metadata from HTTP responses, and turning transport failures into statuses.</summary>
public sealed partial class GrpcChannel
{
    /// <summary>
    /// Checks the response headers; throws for an HTTP error or a trailers-only error status, else returns the body.
    /// A trailers-only OK (a stream with no messages) returns null when <paramref name="streaming"/>, else throws.
    /// </summary>
    internal static async ValueTask<Stream?> OpenResponseAsync(HttpResponseMessage response, bool streaming, CancellationToken cancellationToken)
    {
        if (response.StatusCode != HttpStatusCode.OK)
        {
            var code = GrpcProtocol.FromHttpStatus((int)response.StatusCode);
            var detail = TryGetValue(response.Headers, GrpcProtocol.Message) is { } m ? ": " + GrpcMessageEncoding.Decode(m) : string.Empty;
            throw new RpcException(code, $"HTTP status {(int)response.StatusCode}{detail}", ToMetadata(response.Headers));
        }

        if (TryGetValue(response.Headers, GrpcProtocol.Status) is not null)
        {
            // Trailers-only response: the status and trailers came in the only HEADERS frame.
            var status = ReadStatus(response.Headers);
            if (status.IsOk && streaming)
            {
                return null;
            }

            throw new RpcException(status.IsOk ? new Status(StatusCode.Internal, "The server ended the call with OK but sent no message.") : status, ToMetadata(response.Headers));
        }

        var contentType = response.Content.Headers.NonValidated.TryGetValues("Content-Type", out var values) ? values.ToString() : null;
        if (!GrpcProtocol.LooksLikeGrpc(contentType))
        {
            throw new RpcException(StatusCode.Unknown, $"The response has content type '{contentType}', not application/grpc.");
        }

        return await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The status in grpc-status/grpc-message (metadata is read separately, only when needed).</summary>
    internal static Status ReadStatus(HttpHeaders headers)
    {
        var statusText = TryGetValue(headers, GrpcProtocol.Status);
        if (statusText is null)
        {
            return new Status(StatusCode.Internal, "The response ended without a grpc-status.");
        }

        var message = TryGetValue(headers, GrpcProtocol.Message);
        var detail = message is null ? string.Empty : GrpcMessageEncoding.Decode(message);
        if (statusText.Length == 1 && statusText[0] == '0')
        {
            return Status.Ok;
        }

        return int.TryParse(statusText, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var code) && code is >= 0 and <= 16
            ? new Status((StatusCode)code, detail)
            : new Status(StatusCode.Unknown, $"Invalid grpc-status '{statusText}': {detail}");
    }

    internal static Metadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new Metadata();
        foreach (var (key, values) in headers.NonValidated)
        {
            var name = key.ToLowerInvariant();
            if (Metadata.IsReserved(name))
            {
                continue;
            }

            foreach (var value in values)
            {
                metadata.TryAddFromWire(name, value); // a malformed -bin value from a peer is skipped, not fatal
            }
        }

        return metadata;
    }

    /// <summary>The status for a failure below gRPC: cancellation, deadline, stream reset, lost connection.</summary>
    internal static RpcException MapException(Exception exception, CallScope? scope)
    {
        if (scope is { IsCancelled: true })
        {
            return scope.ToException();
        }

        for (var inner = exception; inner is not null; inner = inner.InnerException)
        {
            if (inner is HttpProtocolException protocol)
            {
                return new RpcException(GrpcProtocol.FromHttp2ErrorCode(protocol.ErrorCode), $"HTTP/2 stream error: {protocol.Message}");
            }
        }

        return exception switch
        {
            HttpRequestException or IOException => new RpcException(StatusCode.Unavailable, $"Transport failure: {exception.Message}"),
            OperationCanceledException => new RpcException(StatusCode.Cancelled, "The call was cancelled."),
            _ => new RpcException(StatusCode.Internal, $"Client failure: {exception.GetType().Name}: {exception.Message}"),
        };
    }

    private static string? TryGetValue(HttpHeaders headers, string name) =>
        headers.NonValidated.TryGetValues(name, out var values) && values.Count > 0 ? values.ToString() : null;
}
