using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Rpc.Server;

/// <summary>
/// The middleware that serves gRPC: routes "/package.Service/Method" to its handler, checks the request against
/// the protocol (method, content type, encoding, timeout) and ends every call with a status. Requests for
/// unknown paths that are not gRPC pass on to the next middleware.
/// </summary>
public sealed partial class GrpcDispatcher(RequestDelegate next, GrpcServiceRegistry registry, GrpcServerOptions options, ILogger<GrpcDispatcher> logger)
{
    public async Task InvokeAsync(HttpContext http)
    {
        var request = http.Request;
        var path = request.Path.Value ?? string.Empty;
        if (!registry.TryGetMethod(path, out var method))
        {
            if (GrpcProtocol.LooksLikeGrpc(request.ContentType))
            {
                RejectBeforeCall(http, 200, StatusCode.Unimplemented, $"Method {path} is not implemented by this server.");
                return;
            }

            await next(http).ConfigureAwait(false);
            return;
        }

        if (!RequestIsAcceptable(http))
        {
            return;
        }

        TimeSpan? timeout = null;
        var timeoutHeader = request.Headers[GrpcProtocol.Timeout];
        if (timeoutHeader.Count > 0)
        {
            if (!GrpcTimeout.TryParse(timeoutHeader[0], out var parsed))
            {
                RejectBeforeCall(http, 200, StatusCode.Internal, $"Malformed grpc-timeout header '{timeoutHeader[0]}'.");
                return;
            }

            timeout = parsed;
        }

        var context = new ServerCallContext(http, path, options, timeout);
        try
        {
            var status = Status.Ok;
            Metadata? trailers = null;
            try
            {
                await method.InvokeAsync(context).ConfigureAwait(false);
                status = context.Status;
            }
            catch (RpcException ex)
            {
                status = ex.Status;
                trailers = ex.Trailers;
            }
            catch (OperationCanceledException) when (context.IsCancelledByUs)
            {
                status = context.CancellationStatus();
            }
            catch (Exception ex)
            {
                LogHandlerFailed(logger, ex, path);
                status = new Status(StatusCode.Unknown,
                    options.EnableDetailedErrors ? $"Exception was thrown by handler: {ex.GetType().Name}: {ex.Message}" : "Exception was thrown by handler.");
            }

            await context.CompleteAsync(status, trailers).ConfigureAwait(false);
        }
        finally
        {
            context.DisposeCall();
        }
    }

    private static bool RequestIsAcceptable(HttpContext http)
    {
        var request = http.Request;
        if (!HttpMethods.IsPost(request.Method))
        {
            http.Response.Headers.Allow = "POST";
            RejectBeforeCall(http, StatusCodes.Status405MethodNotAllowed, StatusCode.Unimplemented,
                $"HTTP method {request.Method} is not supported; gRPC calls use POST.");
            return false;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            RejectBeforeCall(http, StatusCodes.Status415UnsupportedMediaType, StatusCode.Internal,
                $"Content-Type '{request.ContentType}' is not supported; use application/grpc or application/grpc+proto.");
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol))
        {
            RejectBeforeCall(http, StatusCodes.Status426UpgradeRequired, StatusCode.Internal, $"gRPC needs HTTP/2, not {request.Protocol}.");
            return false;
        }

        var encoding = request.Headers[GrpcProtocol.Encoding];
        if (encoding.Count > 0 && encoding[0] != GrpcProtocol.IdentityEncoding)
        {
            http.Response.Headers[GrpcProtocol.AcceptEncoding] = GrpcProtocol.IdentityEncoding;
            RejectBeforeCall(http, 200, StatusCode.Unimplemented,
                $"grpc-encoding '{encoding[0]}' is not supported; this server accepts identity only.");
            return false;
        }

        return true;
    }

    /// <summary>A trailers-only response (or a plain HTTP error carrying grpc-status) for a call that never started.</summary>
    private static void RejectBeforeCall(HttpContext http, int httpStatus, StatusCode code, string message)
    {
        http.Response.StatusCode = httpStatus;
        http.Response.ContentType = GrpcProtocol.ContentType;
        http.Response.Headers[GrpcProtocol.Status] = ((int)code).ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers[GrpcProtocol.Message] = GrpcMessageEncoding.Encode(message);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "gRPC handler for {Method} threw an unexpected exception")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string method);
}
