using System.Net;
using JindoMeta.Backend.Ots;
using JindoMeta.Backend.Raft;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Backend.RocksDb;
using JindoMeta.Blocks;
using JindoMeta.Blocks.S3;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Engine;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Data;
using JindoMeta.Server.Security;
using JindoMeta.Server.Services;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Serilog;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// The daemon: opens every namespace's backend, serves gRPC on the configured port, and on SIGTERM stops
/// accepting calls, lets those in flight finish (up to the shutdown timeout), then closes the stores.
/// </summary>
public static class JindoMetaServer
{
    public static async Task<int> RunAsync(ServerSettings settings)
    {
        using var rootLogger = ServerLogging.CreateLogger(settings);
        var logger = rootLogger.ForContext("SourceContext", "JindoMeta.Server");
        ServerTls? tls;
        try
        {
            tls = settings.Tls is { } tlsSettings ? ServerTls.Load(tlsSettings, logger) : null;
        }
        catch (InvalidDataException e)
        {
            return await FailAsync(logger, e.Message).ConfigureAwait(false);
        }

        NamespaceRegistry registry;
        try
        {
            registry = await OpenNamespacesAsync(settings, tls, rootLogger).ConfigureAwait(false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException or DllNotFoundException or JindoMeta.RocksDb.RocksDbException
            or JindoMeta.TableStore.TableStoreException or HttpRequestException)
        {
            return await FailAsync(logger, $"cannot open the namespace stores: {e.Message}").ConfigureAwait(false);
        }

        await using (registry.ConfigureAwait(false))
        {
            var loggers = new Serilog.Extensions.Logging.SerilogLoggerFactory(rootLogger);
            await using var uploaders = ReplicaUploaders.Start(settings, registry, loggers);
            await using var recoveries = ReplicaRecoveries.Start(settings, registry, loggers);
            await using var retention = FeedRetention.Start(settings, registry);
            await using IBlockStore blocks = settings.Data.S3 is { } s3 ? new S3BlockStore(s3) : new LocalBlockStore(settings.Data.LocalDirectory!);
            var leases = new FileLeases(settings.Data.Leases, TimeProvider.System);
            await using var reclaimer = BlockReclaimer.Start(registry, blocks, leases, settings.Data, settings.Permissions.SuperUser, TimeProvider.System,
                loggers.CreateLogger("JindoMeta.Server.Data"));
            var builder = WebApplication.CreateSlimBuilder();
            builder.Services.AddSerilog(rootLogger, dispose: false);
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = settings.ShutdownTimeout);
            builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true); // we print our own start line
            GrpcEndpoint.Configure(builder, settings, tls);
            var metrics = settings.MetricsPort is null ? null : Metrics.MetricsEndpoint.Configure(builder, settings);
            using var replicaMetrics = metrics is null ? null : new Metrics.ReplicaMetrics(uploaders, recoveries);

            var health = new HealthRpcService();
            var advertised = new AdvertisedAddress($"{Environment.MachineName}:{settings.Port}");
            builder.Services.AddSingleton(health);
            var authentication = new CallerAuthentication(new GroupResolver(settings.GroupOverrides, TimeProvider.System), tls?.Clients, settings.ProxyUsers);
            // Disposed after the host stops (declared before it): every line of a call in flight is written.
            using var audit = settings.Audit is { } auditSettings ? new Audit.AuditLog(auditSettings.File, auditSettings.MaxFileBytes, auditSettings.RetainedFiles) : null;
            builder.Services.AddSingleton(new NamespaceRpcService(registry, authentication, settings, leases, audit));
            builder.Services.AddSingleton(new DataRpcService(registry, authentication, new NamespaceEngine(settings.Permissions), blocks, leases));
            builder.Services.AddSingleton(new AdminRpcService(registry, authentication, settings, advertised, uploaders, recoveries));

            await using var app = builder.Build();
            // A peer disagreement may arrive at any time, even before the host runs; stopping a host that has not
            // started cancels its start, so one seen early is acted on once it is up.
            string? fatal = null;
            var running = 0;
            void Disagree(string line)
            {
                if (Interlocked.CompareExchange(ref fatal, line, null) is null && Volatile.Read(ref running) == 1)
                {
                    app.Lifetime.StopApplication();
                }
            }

            foreach (var raft in registry.Backends.Values.OfType<RaftNamespaceBackend>())
            {
                raft.PeersDisagree += Disagree;
                if (raft.Disagreement is { } early)
                {
                    Disagree(early);
                }
            }

            if (metrics is not null)
            {
                Metrics.MetricsEndpoint.Map(app, metrics);
            }

            GrpcEndpoint.Map(app, tls);
            using var serving = new ServingStatusPublisher(health, registry);
            app.Lifetime.ApplicationStopping.Register(() =>
            {
                serving.Stopping();
                SystemdNotifier.Notify("STOPPING=1");
                logger.Information("Stopping: no new calls; finishing those in flight (up to {Timeout}s)", settings.ShutdownTimeout.TotalSeconds);
            });

            try
            {
                await app.StartAsync().ConfigureAwait(false);
            }
            catch (IOException e)
            {
                var reason = e.InnerException is AddressInUseException ? "the address is already in use (is another jindometa running?)" : e.Message;
                var (failedPort, portKey) = metrics is not null && e.Message.Contains($":{metrics.ConfiguredPort}", StringComparison.Ordinal) && metrics.ConfiguredPort != settings.Port
                    ? (metrics.ConfiguredPort, ConfigKeys.MetricsPort) // Kestrel names the address it could not bind
                    : (settings.Port, ConfigKeys.RpcPort);
                var line = $"cannot listen on {settings.BindAddress}:{failedPort}: {reason}; choose another port with {portKey} " +
                    $"(-D {portKey}=PORT) or another address with {ConfigKeys.BindHost}";
                return await FailAsync(logger, line).ConfigureAwait(false);
            }

            WarnOfSimpleAuthentication(settings, logger); // once started: a start-up failure stays one line
            WarnOfPrivateBlockDirectory(settings, logger);
            var port = BoundPort(app, settings.Port);
            advertised.Value = $"{AdvertisedHost(settings.BindAddress)}:{port}";
            serving.Started();
            logger.Information(
                "JindoMeta serving {Namespaces} on {Address}:{Port} (backend {Backend}, data {DataDirectory}, blocks {BlockStore} {BlockLocation})",
                string.Join(",", settings.Namespaces), settings.BindAddress, port, settings.BackendType, settings.DataDirectory, blocks.Type, blocks.Location);
            if (metrics is not null)
            {
                // Before the serving line (whoever waits for that one has seen this one too), and with "serving on" in it, which
                // tests and scripts that want only the RPC line or only the error lines already skip.
                Console.Out.WriteLine($"jindometa: metrics serving on http://{Loopback(settings.BindAddress)}:{metrics.Port}{Metrics.MetricsEndpoint.Path}");
            }

            Console.Out.WriteLine($"jindometa: serving on {Loopback(settings.BindAddress)}:{port}");
            Console.Out.Flush();
            SystemdNotifier.Notify("READY=1");
            Interlocked.Exchange(ref running, 1);
            if (Volatile.Read(ref fatal) is not null)
            {
                app.Lifetime.StopApplication();
            }

            await app.WaitForShutdownAsync().ConfigureAwait(false);
            if (Volatile.Read(ref fatal) is { } disagreement)
            {
                return await FailAsync(logger, disagreement).ConfigureAwait(false);
            }
        }

        logger.Information("Stopped: every store closed");
        return 0;
    }

    /// <summary>Simple authentication believes any user name a caller sends: say so when the port is reachable from elsewhere.</summary>
    private static void WarnOfSimpleAuthentication(ServerSettings settings, Serilog.ILogger logger)
    {
        if (settings.Tls is null && !IPAddress.IsLoopback(settings.BindAddress))
        {
            logger.Warning(
                "Authentication is simple and the RPC port listens on {Address}: anyone who can reach it may act as any user, the superuser {SuperUser} too. " +
                "Bind to 127.0.0.1 ({BindKey}) or set {AuthenticationKey} = tls with client certificates",
                settings.BindAddress, settings.Permissions.SuperUser, ConfigKeys.BindHost, ConfigKeys.Authentication);
        }
    }

    /// <summary>On raft every node must read the blocks any leader wrote: a directory inside this node's data directory is its alone.</summary>
    private static void WarnOfPrivateBlockDirectory(ServerSettings settings, Serilog.ILogger logger)
    {
        if (settings.Raft is not null && settings.Data.LocalDirectory is { } blocks &&
            (blocks + Path.DirectorySeparatorChar).StartsWith(settings.DataDirectory + Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            logger.Warning(
                "File blocks are kept in {Directory}, inside this node's own data directory, while raft serves the metadata from any of three nodes: " +
                "after a failover the new leader cannot read the blocks this node wrote. Give the three nodes one shared directory ({LocalKey}) or use {TypeKey} = s3",
                blocks, ConfigKeys.BlockStoreLocalDirectory, ConfigKeys.BlockStoreType);
        }
    }

    private static async Task<NamespaceRegistry> OpenNamespacesAsync(ServerSettings settings, ServerTls? tls, Serilog.Core.Logger rootLogger)
    {
        if (settings.Ots is { } ots)
        {
            return await OpenOtsNamespacesAsync(settings, ots, rootLogger).ConfigureAwait(false);
        }

        if (settings.Raft is not { } topology)
        {
            return OpenRocksDbNamespaces(settings);
        }

        // One peer listener for the node; each namespace is its own raft group on it (its own log, state and leader).
        var host = await RaftPeerHost.StartAsync(new RaftPeerHostOptions
        {
            Address = settings.BindAddress,
            Port = topology.SelfPeerPort,
            Receivers = new RaftPeerReceivers(),
            Tls = tls is { Authorities: { } authorities }
                ? new RaftPeerTls(tls.Certificate, authorities, new Serilog.Extensions.Logging.SerilogLoggerFactory(rootLogger).CreateLogger("JindoMeta.Backend.Raft"))
                : null,
        }).ConfigureAwait(false);
        var backends = new Dictionary<string, INamespaceBackend>(StringComparer.Ordinal);
        try
        {
            foreach (var name in settings.Namespaces)
            {
                try
                {
                    backends[name] = await StartRaftNamespaceAsync(settings, topology, host, name, rootLogger).ConfigureAwait(false);
                }
                catch (InvalidDataException e)
                {
                    throw new InvalidDataException($"namespace '{name}': {e.Message}", e);
                }
            }

            host.Receivers.Seal(); // from now on a peer's stream for a namespace not served here is a misconfiguration
        }
        catch
        {
            foreach (var backend in backends.Values)
            {
                await backend.DisposeAsync().ConfigureAwait(false);
            }

            await host.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new NamespaceRegistry(backends, sharedByBackends: host);
    }

    private static Task<RaftNamespaceBackend> StartRaftNamespaceAsync(
        ServerSettings settings, JindoMeta.Backend.Raft.Cluster.RaftTopology topology, RaftPeerHost host, string name, Serilog.Core.Logger rootLogger) =>
        RaftNamespaceBackend.StartAsync(new RaftBackendOptions
        {
            Topology = topology,
            Namespace = name,
            DataDirectory = settings.StoreDirectory(name),
            PeerHost = host,
            Storage = settings.RocksDb,
            SnapshotEveryEntries = settings.RaftSnapshotEveryEntries,
            CompactionMargin = settings.RaftCompactionMargin,
            Loggers = new Serilog.Extensions.Logging.SerilogLoggerFactory(rootLogger),
            ReadMode = settings.RaftReadMode,
            FaultRulesFile = Environment.GetEnvironmentVariable(FileRaftFaults.EnvironmentVariable) is { Length: > 0 } faults ? faults : null,
            RecoveryMode = settings.Recovery is not null,
        }, settings.Permissions, TimeProvider.System);

    /// <summary>Each namespace's table is created and formatted on first start; the lease names this server by its client address.</summary>
    private static async Task<NamespaceRegistry> OpenOtsNamespacesAsync(ServerSettings settings, OtsSettings ots, Serilog.Core.Logger rootLogger)
    {
        var loggers = new Serilog.Extensions.Logging.SerilogLoggerFactory(rootLogger);
        var backends = new Dictionary<string, INamespaceBackend>(StringComparer.Ordinal);
        try
        {
            foreach (var name in settings.Namespaces)
            {
                var options = new OtsBackendOptions
                {
                    TableStore = ots.TableStore,
                    NamespaceName = name,
                    Holder = $"{AdvertisedHost(settings.BindAddress)}:{settings.Port}",
                    HighAvailability = ots.HighAvailability,
                    LeaseDuration = ots.Lease,
                    CacheEntries = ots.CacheEntries,
                };
                try
                {
                    backends[name] = await OtsNamespaceBackend.OpenAsync(options, settings.Permissions, TimeProvider.System,
                        loggers.CreateLogger("JindoMeta.Backend.Ots")).ConfigureAwait(false);
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
                await opened.DisposeAsync().ConfigureAwait(false);
            }

            throw;
        }

        return new NamespaceRegistry(backends);
    }

    private static NamespaceRegistry OpenRocksDbNamespaces(ServerSettings settings)
    {
        var backends = new Dictionary<string, INamespaceBackend>(StringComparer.Ordinal);
        try
        {
            foreach (var name in settings.Namespaces)
            {
                var options = new RocksDbBackendOptions
                {
                    DataDirectory = settings.StoreDirectory(name),
                    NamespaceName = name,
                    Storage = settings.RocksDb,
                    SyncWrites = settings.SyncWrites,
                    MaxCommandsPerBatch = settings.MaxBatchCommands,
                    RecoveryMode = settings.Recovery is not null,
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

    /// <summary>A start-up failure: one line on stderr for the operator, the same in the log file.</summary>
    private static async Task<int> FailAsync(Serilog.ILogger logger, string line)
    {
        ServerLogging.FileOnly(logger).Fatal("{Failure}", line);
        await Console.Error.WriteLineAsync($"jindometa: {line}").ConfigureAwait(false);
        return 1;
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
