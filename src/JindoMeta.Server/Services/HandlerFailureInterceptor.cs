using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Services;

/// <summary>
/// The one place handler failures are logged (Grpc.AspNetCore's own call-handler log is silenced in
/// <see cref="Hosting.ServerLogging"/>, because it reports a client's reset or deadline as an error with a stack):
/// a handler that fails because the client gave up (deadline, cancel, reset) is answered CANCELLED and left to
/// <see cref="Hosting.ClientAbortLogging"/>; any other unexpected exception is a bug, logged at error with its stack
/// and answered UNKNOWN without its text. Expected outcomes travel as RpcException and are not logged.
/// </summary>
public sealed partial class HandlerFailureInterceptor(ILogger<HandlerFailureInterceptor> logger) : Interceptor
{
    public override async Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request, ServerCallContext context, UnaryServerMethod<TRequest, TResponse> continuation)
    {
        try
        {
            return await continuation(request, context).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not RpcException && context.CancellationToken.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Cancelled, "The client cancelled the call or its deadline passed"));
        }
        catch (Exception e) when (e is not RpcException)
        {
            LogHandlerFailed(logger, e, context.Method);
            throw;
        }
    }

    [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "{Method} failed with an unexpected exception")]
    private static partial void LogHandlerFailed(ILogger logger, Exception exception, string method);
}
