using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// Logs, at debug and without a stack, every call the client gave up on (deadline, cancel, reset) before the
/// answer was sent, whether that happened while the request was still arriving or while the handler ran: it is
/// normal traffic, not a server error.
/// </summary>
public static partial class ClientAbortLogging
{
    public static void Use(WebApplication app)
    {
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("JindoMeta.Server.Calls");
        app.Use(async (context, next) =>
        {
            await next(context).ConfigureAwait(false);
            if (context.RequestAborted.IsCancellationRequested)
            {
                LogClientGaveUp(logger, context.Request.Path, context.Connection.RemoteIpAddress?.ToString() ?? "?", context.Connection.RemotePort);
            }
        });
    }

    [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "{Method} from {Address}:{Port}: the client gave up before the answer")]
    private static partial void LogClientGaveUp(ILogger logger, string method, string address, int port);
}
