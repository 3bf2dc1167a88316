using System.Globalization;
using System.Net;
using JindoMeta.Backend.Raft.Cluster;
using JindoMeta.Raft;
using JindoMeta.Namespace.Security;
using JindoMeta.RocksDb;

namespace JindoMeta.Server.Configuration;

/// <summary>The daemon's settings, typed, from an <see cref="EffectiveConfig"/> (whose values are already checked).</summary>
public sealed record ServerSettings
{
    public required IReadOnlyList<string> Namespaces { get; init; }
    public required string BackendType { get; init; }
    public required string DataDirectory { get; init; }
    public required IPAddress BindAddress { get; init; }
    public required int Port { get; init; }
    public required int MaxMessageSize { get; init; }
    public required TimeSpan ShutdownTimeout { get; init; }
    public required string? LogDirectory { get; init; }
    public required string LogLevel { get; init; }
    public required PermissionSettings Permissions { get; init; }
    public required ushort Umask { get; init; }
    public required IReadOnlyDictionary<string, IReadOnlyList<string>> GroupOverrides { get; init; }
    public required short DefaultReplication { get; init; }
    public required long DefaultBlockSize { get; init; }
    public required RocksDbOptions RocksDb { get; init; }
    public required bool SyncWrites { get; init; }
    public required int MaxBatchCommands { get; init; }

    /// <summary>The cluster and this node's place in it, for the raft backend; null otherwise.</summary>
    public RaftTopology? Raft { get; init; }

    public ReadOnlyMode RaftReadMode { get; init; }
    /// <summary>raft: applied entries between two snapshots (<see cref="ConfigKeys.RaftSnapshotInterval"/>).</summary>
    public ulong RaftSnapshotEveryEntries { get; init; } = 10_000;

    /// <summary>raft: entries kept behind a snapshot (<see cref="ConfigKeys.RaftCompactionMargin"/>).</summary>
    public ulong RaftCompactionMargin { get; init; } = 1_000;

    /// <summary>Where the async uploader writes (the backend's async.ots.enabled is on; on raft the leader uploads); null when upload is off.</summary>
    public JindoMeta.TableStore.TableStoreOptions? Upload { get; init; }

    /// <summary>Where recovery mode reads the replica (the backend's recovery.mode is on; on raft the leader loads it); null when it is off.</summary>
    public JindoMeta.TableStore.TableStoreOptions? Recovery { get; init; }

    /// <summary>TLS on the RPC port and between raft peers (<see cref="ConfigKeys.Authentication"/> = tls); null for simple.</summary>
    public TlsSettings? Tls { get; init; }

    /// <summary>The audit log (<see cref="ConfigKeys.AuditEnabled"/>); null when it is off.</summary>
    public AuditSettings? Audit { get; init; }

    /// <summary>The hadoop.proxyuser.* rules, applied to callers authenticated by certificate.</summary>
    public Security.ProxyUsers ProxyUsers { get; init; } = Security.ProxyUsers.None;

    /// <summary>The ots backend's table service and lease; null for the other backends.</summary>
    public OtsSettings? Ots { get; init; }

    /// <summary>Change-feed entries kept per namespace while upload is off (<see cref="ConfigKeys.FeedRetention"/>).</summary>
    public long FeedRetentionEntries { get; init; } = 1_000_000;

    /// <summary>How long the replica's checkpoint must stand still before recovery puts back an unfinished run's rows.</summary>
    public TimeSpan RecoveryWriterQuiet { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The metrics listener's port (<see cref="ConfigKeys.MetricsPort"/>); null when metrics are off.</summary>
    public int? MetricsPort { get; init; }

    /// <summary>Where file data goes, how it is swept, and how long writers' leases last.</summary>
    public required DataSettings Data { get; init; }

    public static ServerSettings From(EffectiveConfig config)
    {
        var backend = config.Required(ConfigKeys.BackendType);
        if (backend == "ots")
        {
            RefuseReplicaKeysOnOts(config);
        }

        var namespaces = config.Required(ConfigKeys.Namespaces).Split(',', StringSplitOptions.TrimEntries);
        var bindHost = config.Required(ConfigKeys.BindHost);
        var port = Int(config, ConfigKeys.RpcPort);
        RaftTopology? raft = null;
        if (backend == "raft")
        {
            var initialConf = config[ConfigKeys.RaftInitialConf]
                ?? throw new ConfigException($"{ConfigKeys.BackendType} = raft needs {ConfigKeys.RaftInitialConf} (host:port:priority of the three nodes, e.g. 127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.3:8103:0)");
            try
            {
                raft = RaftTopology.Resolve(initialConf, config[ConfigKeys.RpcAddress] ?? "", port, bindHost, config[ConfigKeys.RaftSelf],
                    LocalAddresses(), Environment.MachineName);
            }
            catch (FormatException e)
            {
                throw new ConfigException(e.Message);
            }
        }

        var dataDirectory = Path.GetFullPath(config.Required(ConfigKeys.DataDirectory));
        return new ServerSettings
        {
            Data = DataFrom(config, dataDirectory),
            Tls = TlsFrom(config, backend),
            Audit = AuditFrom(config),
            ProxyUsers = Security.ProxyUsers.From(config.WithPrefix(ConfigKeys.ProxyUserPrefix).Select(e => (e.Key, e.Value))),
            Ots = backend == "ots" ? new OtsSettings(
                TableStoreTarget(config, $"{ConfigKeys.BackendType} = ots"),
                Bool(config, ConfigKeys.OtsHighAvailability),
                TimeSpan.FromMilliseconds(Long(config, ConfigKeys.OtsLease)),
                Int(config, ConfigKeys.OtsCacheEntries)) : null,
            Upload = UploadTarget(config, backend),
            Recovery = RecoveryTarget(config, backend),
            RecoveryWriterQuiet = TimeSpan.FromSeconds(Long(config, ConfigKeys.RecoveryWriterQuiet)),
            FeedRetentionEntries = Long(config, ConfigKeys.FeedRetention),
            MetricsPort = Bool(config, ConfigKeys.MetricsEnabled) ? Int(config, ConfigKeys.MetricsPort) : null,
            Namespaces = namespaces,
            BackendType = backend,
            Raft = raft,
            RaftReadMode = config.Required(ConfigKeys.RaftReadMode) == "lease" ? ReadOnlyMode.LeaseBased : ReadOnlyMode.Safe,
            RaftSnapshotEveryEntries = (ulong)Long(config, ConfigKeys.RaftSnapshotInterval),
            RaftCompactionMargin = (ulong)Long(config, ConfigKeys.RaftCompactionMargin),
            DataDirectory = dataDirectory,
            BindAddress = IPAddress.Parse(bindHost),
            Port = port,
            MaxMessageSize = (int)Size(config, ConfigKeys.MaxMessageSize),
            ShutdownTimeout = TimeSpan.FromSeconds(Int(config, ConfigKeys.ShutdownTimeout)),
            LogDirectory = config[ConfigKeys.LogDirectory] is { Length: > 0 } logs ? Path.GetFullPath(logs) : null,
            LogLevel = config.Required(ConfigKeys.LogLevel),
            Permissions = new PermissionSettings(
                Bool(config, ConfigKeys.PermissionsEnabled), config.Required(ConfigKeys.SuperUser), config.Required(ConfigKeys.SuperGroup)),
            Umask = Convert.ToUInt16(config.Required(ConfigKeys.Umask), 8),
            GroupOverrides = ConfigValues.ParseGroupMapping(config[ConfigKeys.GroupOverrides] ?? "")!,
            DefaultReplication = (short)Int(config, ConfigKeys.DefaultReplication),
            DefaultBlockSize = Size(config, ConfigKeys.DefaultBlockSize),
            RocksDb = new RocksDbOptions
            {
                WriteBufferSizeBytes = Size(config, ConfigKeys.RocksDbWriteBufferSize),
                BlockCacheSizeBytes = Size(config, ConfigKeys.RocksDbBlockCacheSize),
                BloomFilterBitsPerKey = Int(config, ConfigKeys.RocksDbBloomBits),
                MaxOpenFiles = Int(config, ConfigKeys.RocksDbMaxOpenFiles),
                WalTtlSeconds = Long(config, ConfigKeys.RocksDbWalTtl),
                WalSizeLimitMb = Long(config, ConfigKeys.RocksDbWalSizeLimit),
                Compression = Enum.Parse<RocksCompression>(config.Required(ConfigKeys.RocksDbCompression), ignoreCase: true),
                EnableStatistics = Bool(config, ConfigKeys.RocksDbStatistics),
                MaxBackgroundJobs = Int(config, ConfigKeys.RocksDbBackgroundJobs),
            },
            SyncWrites = Bool(config, ConfigKeys.RocksDbSyncWrites),
            MaxBatchCommands = Int(config, ConfigKeys.RocksDbBatchCommands),
        };
    }

    private static DataSettings DataFrom(EffectiveConfig config, string dataDirectory)
    {
        var leases = new LeaseLimits(TimeSpan.FromSeconds(Long(config, ConfigKeys.LeaseSoftLimit)), TimeSpan.FromSeconds(Long(config, ConfigKeys.LeaseHardLimit)));
        if (leases.Hard < leases.Soft)
        {
            throw new ConfigException($"{ConfigKeys.LeaseHardLimit} ({leases.Hard.TotalSeconds}) must not be below {ConfigKeys.LeaseSoftLimit} ({leases.Soft.TotalSeconds})");
        }

        JindoMeta.Blocks.S3.S3StoreOptions? s3 = null;
        string? local = null;
        if (config.Required(ConfigKeys.BlockStoreType) == "s3")
        {
            string Needed(string key) => config[key] is { Length: > 0 } value ? value : throw new ConfigException($"{ConfigKeys.BlockStoreType} = s3 needs {key}");
            Uri? endpoint = null;
            if (config[ConfigKeys.BlockStoreS3Endpoint] is { Length: > 0 } endpointText &&
                (!Uri.TryCreate(endpointText, UriKind.Absolute, out endpoint) || endpoint.Scheme is not ("http" or "https")))
            {
                throw new ConfigException($"{ConfigKeys.BlockStoreS3Endpoint} = {endpointText} is not an http:// or https:// URL");
            }

            s3 = new JindoMeta.Blocks.S3.S3StoreOptions(endpoint, Needed(ConfigKeys.BlockStoreS3Bucket), config.Required(ConfigKeys.BlockStoreS3Region),
                Needed(ConfigKeys.BlockStoreS3AccessKey), Needed(ConfigKeys.BlockStoreS3SecretKey), config[ConfigKeys.BlockStoreS3Prefix] ?? "",
                Bool(config, ConfigKeys.BlockStoreS3PathStyle));
        }
        else
        {
            local = Path.GetFullPath(config[ConfigKeys.BlockStoreLocalDirectory] is { Length: > 0 } directory ? directory : Path.Combine(dataDirectory, "blocks"));
        }

        return new DataSettings(local, s3, TimeSpan.FromSeconds(Long(config, ConfigKeys.ReclaimInterval)),
            TimeSpan.FromSeconds(Long(config, ConfigKeys.ReclaimGrace)), leases);
    }

    private static AuditSettings? AuditFrom(EffectiveConfig config)
    {
        if (!Bool(config, ConfigKeys.AuditEnabled))
        {
            return null;
        }

        var file = config.Required(ConfigKeys.AuditFile);
        if (!Path.IsPathRooted(file))
        {
            file = config[ConfigKeys.LogDirectory] is { Length: > 0 } logs ? Path.Combine(logs, file)
                : throw new ConfigException($"{ConfigKeys.AuditFile} = {file} is relative to {ConfigKeys.LogDirectory}, which is empty: give an absolute {ConfigKeys.AuditFile} or a {ConfigKeys.LogDirectory}");
        }

        return new AuditSettings(Path.GetFullPath(file), Size(config, ConfigKeys.AuditMaxFileSize), Int(config, ConfigKeys.AuditRetainedFiles));
    }

    private static TlsSettings? TlsFrom(EffectiveConfig config, string backend)
    {
        if (config.Required(ConfigKeys.Authentication) != "tls")
        {
            return null;
        }

        string Needed(string key, string why) => config[key] is { Length: > 0 } value
            ? Path.GetFullPath(value)
            : throw new ConfigException($"{ConfigKeys.Authentication} = tls needs {key} ({why})");

        var required = config.Required(ConfigKeys.TlsClientAuth) == "required";
        var caNeededBy = required ? $"{ConfigKeys.TlsClientAuth} = required checks client certificates against it"
            : backend == "raft" ? "raft peers check each other's certificates against it" : null;
        return new TlsSettings(
            Needed(ConfigKeys.TlsCertificateFile, "the server's PEM certificate"),
            Needed(ConfigKeys.TlsKeyFile, "the PEM private key of that certificate"),
            caNeededBy is null ? (config[ConfigKeys.TlsCaFile] is { Length: > 0 } ca ? Path.GetFullPath(ca) : null) : Needed(ConfigKeys.TlsCaFile, caNeededBy),
            required,
            config.Required(ConfigKeys.TlsUserFrom) == "cn" ? Security.CertificateUserSource.CommonName : Security.CertificateUserSource.EmailLocalPart);
    }

    /// <summary>
    /// The uploader and recovery copy a local store to and from Tablestore; on ots the metadata is already there, so a
    /// key that turns them on is a mistake worth one line rather than silence.
    /// </summary>
    private static void RefuseReplicaKeysOnOts(EffectiveConfig config)
    {
        foreach (var key in new[] { ConfigKeys.RocksDbAsyncOts, ConfigKeys.RaftAsyncOts, ConfigKeys.RocksDbRecoveryMode, ConfigKeys.RaftRecoveryMode })
        {
            if (Bool(config, key))
            {
                throw new ConfigException(
                    $"{key} = true does not apply to {ConfigKeys.BackendType} = ots: its metadata already lives in Tablestore (the async replica and recovery are for the rocksdb and raft backends)");
            }
        }
    }

    /// <summary>The Tablestore target when the backend's async.ots.enabled key is on: both backends need the same namespace.ots.* keys.</summary>
    private static JindoMeta.TableStore.TableStoreOptions? UploadTarget(EffectiveConfig config, string backend)
    {
        var switchKey = backend switch
        {
            "rocksdb" => ConfigKeys.RocksDbAsyncOts,
            "raft" => ConfigKeys.RaftAsyncOts,
            _ => null,
        };
        if (switchKey is null || !Bool(config, switchKey))
        {
            return null;
        }

        return TableStoreTarget(config, $"{switchKey} = true");
    }

    /// <summary>The Tablestore target when the backend's recovery.mode key is on (never together with its async upload).</summary>
    private static JindoMeta.TableStore.TableStoreOptions? RecoveryTarget(EffectiveConfig config, string backend)
    {
        var (modeKey, uploadKey) = backend switch
        {
            "rocksdb" => (ConfigKeys.RocksDbRecoveryMode, ConfigKeys.RocksDbAsyncOts),
            "raft" => (ConfigKeys.RaftRecoveryMode, ConfigKeys.RaftAsyncOts),
            _ => (null, null),
        };
        if (modeKey is null || uploadKey is null || !Bool(config, modeKey))
        {
            return null;
        }

        if (Bool(config, uploadKey))
        {
            throw new ConfigException(
                $"{modeKey} = true reads the replica that {uploadKey} = true writes: set async.ots.enabled=false while recovering, " +
                "and turn it on with recovery.mode=false once metaStatus shows state=FINISH");
        }

        return TableStoreTarget(config, $"{modeKey} = true");
    }

    /// <summary>The namespace.ots.* keys, all required but the STS token, for the feature <paramref name="neededBy"/> names.</summary>
    private static JindoMeta.TableStore.TableStoreOptions TableStoreTarget(EffectiveConfig config, string neededBy)
    {
        var settings = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var key in new[] { ConfigKeys.OtsEndpoint, ConfigKeys.OtsInstance, ConfigKeys.OtsAccessKey, ConfigKeys.OtsAccessSecret, ConfigKeys.OtsStsToken })
        {
            if (config[key] is { Length: > 0 } value)
            {
                settings[key] = value;
            }
            else if (key != ConfigKeys.OtsStsToken)
            {
                throw new ConfigException($"{neededBy} needs {key}");
            }
        }

        try
        {
            return JindoMeta.TableStore.TableStoreOptions.FromSettings(settings);
        }
        catch (ArgumentException e)
        {
            throw new ConfigException(e.Message.Split(" (Parameter", 2)[0]);
        }
    }

    private static IPAddress[] LocalAddresses() =>
        [.. System.Net.NetworkInformation.NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address)];

    /// <summary>The store directory of one namespace.</summary>
    public string StoreDirectory(string namespaceName) => Path.Combine(DataDirectory, namespaceName);

    private static int Int(EffectiveConfig config, string key) => (int)Long(config, key);

    private static long Long(EffectiveConfig config, string key) => long.Parse(config.Required(key), CultureInfo.InvariantCulture);

    private static long Size(EffectiveConfig config, string key) => ConfigValues.ParseSize(config.Required(key))!.Value;

    private static bool Bool(EffectiveConfig config, string key) => ConfigValues.ParseBoolean(config.Required(key))!.Value;
}

/// <summary>The ots backend's settings (<see cref="ConfigKeys.OtsHighAvailability"/>, <see cref="ConfigKeys.OtsLease"/>, <see cref="ConfigKeys.OtsCacheEntries"/>).</summary>
public sealed record OtsSettings(JindoMeta.TableStore.TableStoreOptions TableStore, bool HighAvailability, TimeSpan Lease, int CacheEntries);

/// <summary>TLS files and client authentication (<see cref="ConfigKeys.Authentication"/> = tls and the namespace.security.tls.* keys).</summary>
public sealed record TlsSettings(string CertificateFile, string KeyFile, string? CaFile, bool ClientCertificateRequired, Security.CertificateUserSource UserFrom);

/// <summary>Where the audit log goes and how it rolls (the namespace.audit.* keys).</summary>
public sealed record AuditSettings(string File, long MaxFileBytes, int RetainedFiles);

/// <summary>The block store (a local directory or S3: exactly one is set), its sweep, and the writers' lease limits.</summary>
public sealed record DataSettings(string? LocalDirectory, JindoMeta.Blocks.S3.S3StoreOptions? S3, TimeSpan ReclaimInterval, TimeSpan ReclaimGrace, LeaseLimits Leases);

/// <summary>HDFS's lease limits: after Soft another client may take the file over; after Hard the server recovers it.</summary>
public sealed record LeaseLimits(TimeSpan Soft, TimeSpan Hard);
