using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Services;

/// <summary>
/// A client that gives up (deadline, cancel, reset) while its call runs is normal traffic: the handler's
/// cancellation is answered as CANCELLED and logged at debug, without a stack, instead of as a server error.
/// </summary>
public sealed partial class ClientAbortInterceptor(ILogger<ClientAbortInterceptor> logger) : Interceptor
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
            LogClientGaveUp(logger, context.Method, context.Peer, e.GetType().Name);
            throw new RpcException(new Status(StatusCode.Cancelled, "The client cancelled the call or its deadline passed"));
        }
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "{Method} from {Peer}: the client gave up before the answer ({Exception})")]
    private static partial void LogClientGaveUp(ILogger logger, string method, string peer, string exception);
}
