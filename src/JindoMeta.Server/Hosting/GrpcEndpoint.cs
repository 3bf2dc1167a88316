using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace JindoMeta.Server.Hosting;

/// <summary>The gRPC endpoint on Kestrel: listener, HTTP/2 limits, message limits, services, reflection.</summary>
public static class GrpcEndpoint
{
    /// <summary>
    /// Kestrel's default is 100 streams per connection. grpc-js keeps one connection and queues calls beyond it
    /// (250 calls of 200 ms took 738 ms instead of 225 ms in the feasibility study), so we allow more.
    /// </summary>
    private const int MaxStreamsPerConnection = 1000;

    public static void Configure(WebApplicationBuilder builder, ServerSettings settings)
    {
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Kestrel's 30 MB default caps a whole call body; gRPC enforces the per-message limit itself.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            kestrel.Listen(settings.BindAddress, settings.Port, ConfigureListener);
        });
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = settings.MaxMessageSize;
            grpc.MaxSendMessageSize = settings.MaxMessageSize;
            grpc.EnableDetailedErrors = false; // an unexpected exception reaches the client as UNKNOWN, without its text
            if (settings.MetricsPort is not null)
            {
                grpc.Interceptors.Add<Metrics.RpcMetricsInterceptor>(); // outermost: it counts what the client is answered
            }

            grpc.Interceptors.Add<HandlerFailureInterceptor>();
        });
        builder.Services.AddGrpcReflection();
    }

    public static void Map(WebApplication app)
    {
        ClientAbortLogging.Use(app);
        app.MapGrpcService<NamespaceRpcService>();
        app.MapGrpcService<AdminRpcService>();
        app.MapGrpcService<HealthRpcService>();
        app.MapGrpcReflectionService();
    }

    /// <summary>
    /// HTTP/2 only (h2c, prior knowledge): with Http1AndHttp2 and no TLS Kestrel would fall back to HTTP/1.1,
    /// which gRPC clients cannot use. TLS, when it comes, is configured here.
    /// </summary>
    private static void ConfigureListener(ListenOptions listen) => listen.Protocols = HttpProtocols.Http2;
}
