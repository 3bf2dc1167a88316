using JindoMeta.Rpc.Health;
using JindoMeta.Rpc.Reflection;
using JindoMeta.Rpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace JindoMeta.Rpc.Hosting;

/// <summary>
/// Wires the gRPC server into an ASP.NET Core host: <c>builder.AddJindoGrpc(o => o.Port = 8101)</c>, then
/// <c>app.MapGrpcService(definition)</c>, <c>app.MapGrpcHealth()</c>, <c>app.MapGrpcReflection()</c>.
/// </summary>
public static class GrpcHostingExtensions
{
    private const string DispatcherInstalledKey = "JindoMeta.Rpc.DispatcherInstalled";

    /// <summary>
    /// Registers the gRPC services and configures a Kestrel endpoint that speaks HTTP/2 only (h2c, prior knowledge:
    /// with Http1AndHttp2 and no TLS Kestrel would fall back to HTTP/1.1, which gRPC clients cannot use).
    /// </summary>
    public static WebApplicationBuilder AddJindoGrpc(this WebApplicationBuilder builder, Action<GrpcServerOptions>? configure = null)
    {
        var options = new GrpcServerOptions();
        configure?.Invoke(options);
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<GrpcServiceRegistry>();
        builder.Services.AddSingleton<HealthService>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            // Kestrel's 30 MB default caps a whole call body; per-message limits are enforced by the gRPC layer.
            kestrel.Limits.MaxRequestBodySize = null;
            kestrel.Limits.Http2.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            kestrel.Limits.Http2.KeepAlivePingDelay = options.KeepAlivePingDelay;
            kestrel.Limits.Http2.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
            kestrel.Listen(options.ListenAddress, options.Port, listen => listen.Protocols = HttpProtocols.Http2);
        });
        return builder;
    }

    /// <summary>Serves a service on this app (the gRPC middleware is installed on first use).</summary>
    public static IApplicationBuilder MapGrpcService(this IApplicationBuilder app, GrpcServiceDefinition service)
    {
        EnsureDispatcher(app).Add(service);
        return app;
    }

    /// <summary>Serves grpc.health.v1.Health; the returned service sets the reported status per service.</summary>
    public static HealthService MapGrpcHealth(this IApplicationBuilder app)
    {
        var health = app.ApplicationServices.GetRequiredService<HealthService>();
        app.MapGrpcService(health.CreateDefinition());
        return health;
    }

    /// <summary>Serves server reflection v1 and v1alpha over every service registered with a descriptor.</summary>
    public static IApplicationBuilder MapGrpcReflection(this IApplicationBuilder app)
    {
        var registry = EnsureDispatcher(app);
        var reflection = new ReflectionService(registry);
        registry.Add(reflection.CreateV1Definition());
        registry.Add(reflection.CreateV1AlphaDefinition());
        return app;
    }

    private static GrpcServiceRegistry EnsureDispatcher(IApplicationBuilder app)
    {
        var registry = app.ApplicationServices.GetRequiredService<GrpcServiceRegistry>();
        if (!app.Properties.ContainsKey(DispatcherInstalledKey))
        {
            app.Properties[DispatcherInstalledKey] = true;
            app.UseMiddleware<GrpcDispatcher>();
        }

        return registry;
    }
}
