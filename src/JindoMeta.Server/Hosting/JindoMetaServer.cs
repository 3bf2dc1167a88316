using System.Net;
using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Backend;
using JindoMeta.Rpc.Hosting;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Security;
using JindoMeta.Server.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;
using Serilog.Events;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// The daemon: opens every namespace's backend, serves gRPC on the configured port, and on SIGTERM stops
/// accepting calls, lets those in flight finish (up to the shutdown timeout), then closes the stores.
/// </summary>
public static class JindoMetaServer
{
    public static async Task<int> RunAsync(ServerSettings settings)
    {
        using var rootLogger = CreateLogger(settings);
        var logger = rootLogger.ForContext("SourceContext", "JindoMeta.Server");
        NamespaceRegistry registry;
        try
        {
            registry = OpenNamespaces(settings);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or DllNotFoundException or JindoMeta.RocksDb.RocksDbException)
        {
            logger.Fatal("Cannot open the namespace stores: {Reason}", e.Message);
            await Console.Error.WriteLineAsync($"jindometa: cannot open the namespace stores: {e.Message}").ConfigureAwait(false);
            return 1;
        }

        await using (registry.ConfigureAwait(false))
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders().AddSerilog(rootLogger);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
            builder.AddJindoGrpc(o =>
            {
                o.ListenAddress = settings.BindAddress;
                o.Port = settings.Port;
                o.MaxReceiveMessageSize = settings.MaxMessageSize;
                o.MaxSendMessageSize = settings.MaxMessageSize;
            });
            await using var app = builder.Build();
            var groups = new GroupResolver(settings.GroupOverrides, TimeProvider.System);
            var namespaceService = new NamespaceRpcService(registry, groups, settings).CreateDefinition();
            app.MapGrpcService(namespaceService);
            var advertised = $"{Environment.MachineName}:{settings.Port}";
            app.MapGrpcService(new AdminRpcService(registry, settings, () => Volatile.Read(ref advertised)).CreateDefinition());
            var health = app.MapGrpcHealth();
            app.MapGrpcReflection();
            app.Lifetime.ApplicationStopping.Register(() =>
            {
                health.SetServingStatus("", JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.NotServing);
                SystemdNotifier.Notify("STOPPING=1");
                logger.Information("Stopping: no new calls; finishing those in flight (up to {Timeout}s)", settings.ShutdownTimeout.TotalSeconds);
            });

            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                logger.Fatal("Cannot listen on {Address}:{Port}: {Reason}", settings.BindAddress, settings.Port, e.Message);
                await Console.Error.WriteLineAsync($"jindometa: cannot listen on {settings.BindAddress}:{settings.Port}: {e.Message}").ConfigureAwait(false);
                return 1;
            }

            var port = BoundPort(app, settings.Port);
            Volatile.Write(ref advertised, $"{AdvertisedHost(settings.BindAddress)}:{port}");
            health.SetServingStatus("", JindoMeta.Protos.Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus.Serving);
            logger.Information(
                "JindoMeta serving {Namespaces} on {Address}:{Port} (backend {Backend}, data {DataDirectory})",
                string.Join(",", settings.Namespaces), settings.BindAddress, port, settings.BackendType, settings.DataDirectory);
            Console.Out.WriteLine($"jindometa: serving on {Loopback(settings.BindAddress)}:{port}");
            Console.Out.Flush();
            SystemdNotifier.Notify("READY=1");
            await app.WaitForShutdownAsync().ConfigureAwait(false);
        }

        logger.Information("Stopped: every store closed");
        return 0;
    }

    private static NamespaceRegistry OpenNamespaces(ServerSettings settings)
    {
        var backends = new Dictionary<string, INamespaceBackend>(StringComparer.Ordinal);
        try
        {
            foreach (var name in settings.Namespaces)
            {
                var options = new RocksDbBackendOptions
                {
                    DataDirectory = settings.StoreDirectory(name),
                    Storage = settings.RocksDb,
                    SyncWrites = settings.SyncWrites,
                    MaxCommandsPerBatch = settings.MaxBatchCommands,
                };
                try
                {
                    backends[name] = RocksDbNamespaceBackend.Open(options, settings.Permissions, TimeProvider.System);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"namespace '{name}': {e.Message}", e);
                }
            }
        }
        catch
        {
            foreach (var opened in backends.Values)
            {
                opened.DisposeAsync().AsTask().GetAwaiter().GetResult();
            }

            throw;
        }

        return new NamespaceRegistry(backends);
    }

    private static Serilog.Core.Logger CreateLogger(ServerSettings settings)
    {
        var level = Enum.Parse<LogEventLevel>(settings.LogLevel, ignoreCase: true);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            .MinimumLevel.Override("Microsoft.Hosting.Lifetime", LogEventLevel.Information)
            .WriteTo.Console(outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}", standardErrorFromLevel: LogEventLevel.Verbose);
        if (settings.LogDirectory is { } directory)
        {
            configuration = configuration.WriteTo.File(
                Path.Combine(directory, "jindometa-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 256L << 20,
                rollOnFileSizeLimit: true,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}");
        }

        return configuration.CreateLogger();
    }

    private static int BoundPort(WebApplication app, int configured)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        return addresses.Select(a => new Uri(a.Replace("[::]", "localhost", StringComparison.Ordinal).Replace("0.0.0.0", "localhost", StringComparison.Ordinal)).Port)
            .FirstOrDefault(configured);
    }

    /// <summary>The host clients use: the bind address, or this machine's name when listening on every address.</summary>
    private static string AdvertisedHost(IPAddress bind) =>
        bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) ? Environment.MachineName : bind.ToString();

    private static string Loopback(IPAddress bind) => bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any) ? "127.0.0.1" : bind.ToString();
}
