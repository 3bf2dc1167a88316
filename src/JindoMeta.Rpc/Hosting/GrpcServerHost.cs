using System.Net;
using JindoMeta.Rpc.Health;
using JindoMeta.Rpc.Server;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Rpc.Hosting;

/// <summary>
/// A self-contained gRPC server (its own Kestrel host) with health and reflection: for tests, benchmarks and
/// processes that serve nothing else. The daemon can instead use <see cref="GrpcHostingExtensions"/> on its own app.
/// </summary>
public sealed class GrpcServerHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private GrpcServerHost(WebApplication app, HealthService health, int port)
    {
        _app = app;
        Health = health;
        Port = port;
    }

    public HealthService Health { get; }

    /// <summary>The bound port (the real one when the options asked for port 0).</summary>
    public int Port { get; }

    /// <summary>"127.0.0.1:port" when listening on loopback or any address.</summary>
    public string Address => $"127.0.0.1:{Port}";

    public static async Task<GrpcServerHost> StartAsync(GrpcServerOptions options, params GrpcServiceDefinition[] services)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning); // Information would log every call
        builder.AddJindoGrpc(o =>
        {
            o.ListenAddress = options.ListenAddress;
            o.Port = options.Port;
            o.MaxReceiveMessageSize = options.MaxReceiveMessageSize;
            o.MaxSendMessageSize = options.MaxSendMessageSize;
            o.EnableDetailedErrors = options.EnableDetailedErrors;
            o.MaxStreamsPerConnection = options.MaxStreamsPerConnection;
            o.KeepAlivePingDelay = options.KeepAlivePingDelay;
            o.KeepAlivePingTimeout = options.KeepAlivePingTimeout;
        });
        var app = builder.Build();
        foreach (var service in services)
        {
            app.MapGrpcService(service);
        }

        var health = app.MapGrpcHealth();
        app.MapGrpcReflection();
        await app.StartAsync().ConfigureAwait(false);
        var addresses = app.Services.GetService(typeof(IServer)) is IServer server
            ? server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []
            : [];
        var port = addresses.Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port).FirstOrDefault(options.Port);
        return new GrpcServerHost(app, health, port);
    }

    public static Task<GrpcServerHost> StartOnLoopbackAsync(params GrpcServiceDefinition[] services) =>
        StartAsync(new GrpcServerOptions { ListenAddress = IPAddress.Loopback, Port = 0 }, services);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
    }
}
