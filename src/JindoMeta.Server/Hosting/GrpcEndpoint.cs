using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using JindoMeta.Server.Security;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
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

    /// <summary>HTTP/2 flow-control window for data calls (a few messages in flight).</summary>
    private const int DataWindowBytes = 16 * 1024 * 1024;

    public static void Configure(WebApplicationBuilder builder, ServerSettings settings, ServerTls? tls)
    {
        if (tls is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Kestrel's 30 MB default caps a whole call body; gRPC enforces the per-message limit itself.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = MaxStreamsPerConnection;
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(60);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(20);
            // Block writes stream megabytes per call: Kestrel's 768 KiB stream / 1 MiB connection windows would stall
            // every 1 MiB message on a window update round trip.
            kestrel.Limits.Http2.InitialStreamWindowSize = DataWindowBytes;
            kestrel.Limits.Http2.InitialConnectionWindowSize = DataWindowBytes;
            kestrel.Listen(settings.BindAddress, settings.Port, listen => ConfigureListener(listen, tls));
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

    public static void Map(WebApplication app, ServerTls? tls)
    {
        ClientAbortLogging.Use(app);
        if (tls?.Clients is { } clients)
        {
            RefuseUncertifiedConnections(app, clients);
        }

        app.MapGrpcService<NamespaceRpcService>();
        app.MapGrpcService<Data.DataRpcService>();
        app.MapGrpcService<AdminRpcService>();
        app.MapGrpcService<HealthRpcService>();
        app.MapGrpcReflectionService();
    }

    /// <summary>
    /// HTTP/2 only: with Http1AndHttp2 and no TLS Kestrel would fall back to HTTP/1.1, which gRPC clients cannot use
    /// (cleartext is h2c with prior knowledge; TLS negotiates h2 by ALPN). Under TLS the client certificate is asked
    /// for but not judged in the handshake: a refused handshake tells the client nothing, so the verdict is given per
    /// call instead, as UNAUTHENTICATED with the reason (<see cref="RefuseUncertifiedConnections"/>).
    /// </summary>
    private static void ConfigureListener(ListenOptions listen, ServerTls? tls)
    {
        listen.Protocols = HttpProtocols.Http2;
        if (tls is not null)
        {
            listen.UseHttps(new HttpsConnectionAdapterOptions
            {
                ServerCertificateSelector = (_, _) => tls.Certificate.Current,
                ClientCertificateMode = tls.Clients is null ? ClientCertificateMode.NoCertificate : ClientCertificateMode.AllowCertificate,
                ClientCertificateValidation = (_, _, _) => true,
                SslProtocols = System.Security.Authentication.SslProtocols.Tls12 | System.Security.Authentication.SslProtocols.Tls13,
            });
        }
    }

    /// <summary>
    /// Every request on the RPC port, whatever the service (health and reflection too), needs a trusted client
    /// certificate; a refusal is a trailers-only gRPC answer, UNAUTHENTICATED with the reason. The metrics port is
    /// cleartext and not affected.
    /// </summary>
    private static void RefuseUncertifiedConnections(WebApplication app, ClientCertificates clients) =>
        app.Use(async (context, next) =>
        {
            if (context.Request.IsHttps && clients.Check(context.Connection.ClientCertificate).Problem is { } problem)
            {
                context.Response.StatusCode = 200;
                context.Response.ContentType = "application/grpc";
                context.Response.Headers["grpc-status"] = "16";
                context.Response.Headers["grpc-message"] = Uri.EscapeDataString(problem);
                return;
            }

            await next(context).ConfigureAwait(false);
        });
}
