using static JindoMeta.Server.Configuration.ConfigValues;

namespace JindoMeta.Server.Configuration;

/// <summary>
/// Every key the daemon accepts, with its default and meaning (config/jindometa.cfg documents the same list;
/// a test keeps them in step). Keys follow JindoFS's names where JindoFS has one.
/// </summary>
public static class ConfigKeys
{
    public const string Namespaces = "jfs.namespaces";
    public const string RpcAddress = "jfs.namespace.server.rpc-address";
    public const string BackendType = "namespace.backend.type";
    public const string DataDirectory = "namespace.data.dir";
    public const string BindHost = "namespace.rpc.bind-host";
    public const string RpcPort = "namespace.rpc.port";
    public const string MaxMessageSize = "namespace.rpc.max-message-size";
    public const string ShutdownTimeout = "namespace.shutdown.timeout-seconds";
    public const string LogDirectory = "namespace.log.dir";
    public const string LogLevel = "namespace.log.level";
    public const string PermissionsEnabled = "namespace.permissions.enabled";
    public const string SuperUser = "namespace.permissions.superuser";
    public const string SuperGroup = "namespace.permissions.supergroup";
    public const string Umask = "fs.permissions.umask-mode";
    public const string GroupOverrides = "hadoop.user.group.static.mapping.overrides";
    public const string DefaultReplication = "dfs.replication";
    public const string DefaultBlockSize = "dfs.blocksize";
    public const string RocksDbWriteBufferSize = "namespace.backend.rocksdb.write-buffer-size";
    public const string RocksDbBlockCacheSize = "namespace.backend.rocksdb.block-cache-size";
    public const string RocksDbBloomBits = "namespace.backend.rocksdb.bloom-filter-bits";
    public const string RocksDbMaxOpenFiles = "namespace.backend.rocksdb.max-open-files";
    public const string RocksDbWalTtl = "namespace.backend.rocksdb.wal-ttl-seconds";
    public const string RocksDbWalSizeLimit = "namespace.backend.rocksdb.wal-size-limit-mb";
    public const string RocksDbCompression = "namespace.backend.rocksdb.compression";
    public const string RocksDbStatistics = "namespace.backend.rocksdb.statistics";
    public const string RocksDbBackgroundJobs = "namespace.backend.rocksdb.max-background-jobs";
    public const string RocksDbSyncWrites = "namespace.backend.rocksdb.sync-writes";
    public const string RocksDbBatchCommands = "namespace.backend.rocksdb.max-batch-commands";
    public const string RaftInitialConf = "namespace.backend.raft.initial-conf";
    public const string RaftSelf = "namespace.backend.raft.self";
    public const string RaftReadMode = "namespace.backend.raft.read-mode";
    public const string RaftSnapshotInterval = "namespace.backend.raft.snapshot.interval-entries";
    public const string RaftCompactionMargin = "namespace.backend.raft.snapshot.compaction-margin-entries";
    public const string RocksDbAsyncOts = "namespace.backend.rocksdb.async.ots.enabled";
    public const string RaftAsyncOts = "namespace.backend.raft.async.ots.enabled";
    public const string RocksDbRecoveryMode = "namespace.backend.rocksdb.recovery.mode";
    public const string RaftRecoveryMode = "namespace.backend.raft.recovery.mode";
    public const string RecoveryWriterQuiet = "namespace.recovery.writer-quiet-seconds";
    public const string FeedRetention = "namespace.changefeed.retention-entries";
    public const string OtsEndpoint = "namespace.ots.endpoint";
    public const string OtsInstance = "namespace.ots.instance";
    public const string OtsAccessKey = "namespace.ots.accessKey";
    public const string OtsAccessSecret = "namespace.ots.accessSecret";
    public const string OtsStsToken = "namespace.ots.stsToken";
    public const string OtsHighAvailability = "namespace.backend.ots.ha";
    public const string OtsLease = "namespace.backend.ots.lease-ms";
    public const string OtsCacheEntries = "namespace.backend.ots.cache-entries";
    public const string MetricsEnabled = "namespace.metrics.enabled";
    public const string MetricsPort = "namespace.metrics.port";

    public const string Authentication = "namespace.security.authentication";
    public const string TlsCertificateFile = "namespace.security.tls.cert-file";
    public const string TlsKeyFile = "namespace.security.tls.key-file";
    public const string TlsCaFile = "namespace.security.tls.ca-file";
    public const string TlsClientAuth = "namespace.security.tls.client-auth";
    public const string TlsUserFrom = "namespace.security.tls.user-from";

    public const string AuditEnabled = "namespace.audit.enabled";
    public const string AuditFile = "namespace.audit.file";
    public const string AuditMaxFileSize = "namespace.audit.max-file-size";
    public const string AuditRetainedFiles = "namespace.audit.retained-files";

    public const string BlockStoreType = "namespace.blockstore.type";
    public const string BlockStoreLocalDirectory = "namespace.blockstore.local.dir";
    public const string BlockStoreS3Endpoint = "namespace.blockstore.s3.endpoint";
    public const string BlockStoreS3Bucket = "namespace.blockstore.s3.bucket";
    public const string BlockStoreS3Region = "namespace.blockstore.s3.region";
    public const string BlockStoreS3AccessKey = "namespace.blockstore.s3.access-key";
    public const string BlockStoreS3SecretKey = "namespace.blockstore.s3.secret-key";
    public const string BlockStoreS3Prefix = "namespace.blockstore.s3.prefix";
    public const string BlockStoreS3PathStyle = "namespace.blockstore.s3.path-style";
    public const string ReclaimInterval = "namespace.blockstore.reclaim.interval-seconds";
    public const string ReclaimGrace = "namespace.blockstore.reclaim.grace-seconds";
    public const string LeaseSoftLimit = "namespace.lease.soft-limit-seconds";
    public const string LeaseHardLimit = "namespace.lease.hard-limit-seconds";

    /// <summary>Hadoop's proxy-user keys, one family per gateway user: hadoop.proxyuser.USER.users / .groups / .hosts.</summary>
    public const string ProxyUserPrefix = "hadoop.proxyuser.";

    public static IReadOnlyList<ConfigKey> All { get; } =
    [
        new(Namespaces, "test", "Namespaces served, comma-separated; each is jfs://NAME/ with its own store.", NameList),
        new(RpcAddress, "127.0.0.1:8101", "Client side: the servers' host:port list, comma-separated, for failover.", NonEmpty),
        new(BackendType, "rocksdb", "Where metadata lives: rocksdb (embedded, one node), raft (three header nodes replicating RocksDB) or ots (a Tablestore table per namespace, jindo_ns_NAME on namespace.ots.instance; no local metadata).", OneOf("rocksdb", "raft", "ots")),
        new(DataDirectory, "data", "Directory of the stores: one subdirectory per namespace.", NonEmpty),
        new(BindHost, "0.0.0.0", "Address the RPC server listens on.", BindAddress),
        new(RpcPort, "8101", "Client RPC port (gRPC over HTTP/2 cleartext).", Integer(0, 65535)),
        new(MaxMessageSize, "16m", "Largest RPC message accepted or sent.", Size(1 << 16, 1L << 30)),
        new(ShutdownTimeout, "30", "On SIGTERM: seconds to let calls in flight finish before closing.", Integer(0, 3600)),
        new(LogDirectory, "logs", "Directory of the rolling log file jindometa-YYYYMMDD.log (empty: console only).", Any),
        new(LogLevel, "information", "Least severe level logged.", OneOf("verbose", "debug", "information", "warning", "error", "fatal")),
        new(PermissionsEnabled, "true", "Check HDFS permissions (false: everyone may do everything).", Boolean),
        new(SuperUser, Environment.UserName, "The superuser (HDFS: the NameNode's user); bypasses every check. Default: the daemon's OS user.", NonEmpty),
        new(SuperGroup, "supergroup", "Members of this group are superusers.", NonEmpty),
        new(Umask, "022", "Umask applied to new files and directories when the client sends none.", Octal),
        new(GroupOverrides, "", "Static user-to-groups mapping (user1=g1,g2;user2=;); other users' groups come from the OS.", GroupMapping),
        new(DefaultReplication, "3", "Replication of new files when the client sends none.", Integer(1, 512)),
        new(DefaultBlockSize, "128m", "Block size of new files when the client sends none.", Size(1 << 20, 1L << 40)),
        new(RocksDbWriteBufferSize, "64m", "RocksDB memtable size.", Size(1 << 20, 4L << 30)),
        new(RocksDbBlockCacheSize, "256m", "RocksDB block cache (0: none).", Size(0, 1L << 40)),
        new(RocksDbBloomBits, "10", "Bloom filter bits per key (0: none).", Integer(0, 64)),
        new(RocksDbMaxOpenFiles, "-1", "RocksDB open file limit (-1: unlimited; at least 20 otherwise).", MaxOpenFiles),
        new(RocksDbWalTtl, "0", "Seconds archived WAL files are kept (0: not by age).", Integer(0, long.MaxValue)),
        new(RocksDbWalSizeLimit, "0", "Megabytes of archived WAL kept (0: not by size).", Integer(0, long.MaxValue)),
        new(RocksDbCompression, "lz4", "SST compression.", OneOf("none", "snappy", "lz4", "zstd")),
        new(RocksDbStatistics, "false", "Collect RocksDB statistics (a few percent CPU).", Boolean),
        new(RocksDbBackgroundJobs, "2", "RocksDB flush and compaction threads.", Integer(1, 64)),
        new(RocksDbSyncWrites, "true", "fdatasync every commit before answering. false survives a process crash only.", Boolean),
        new(RocksDbBatchCommands, "256", "Most commands per group commit.", Integer(1, 65536)),
        new(RaftInitialConf, null, "raft: the three header nodes' peer addresses, host:port:priority, comma-separated (the same on every node; node ids are list positions). priority: a non-negative leadership preference; a leader hands over to a reachable, caught-up member with a higher one (all equal, e.g. :0 everywhere: no preference).", NonEmpty),
        new(RaftSelf, null, "raft: this node's host:port in initial-conf, when its bind address does not tell (three nodes on one machine binding 0.0.0.0).", NonEmpty),
        new(RaftReadMode, "safe", "raft: how the leader confirms it still leads before a read. safe: ReadIndex, a heartbeat round with a majority (no clock assumption). lease: no round trip, correct only while the nodes' clocks run at the same rate within the election timeout (src/JindoMeta.Raft/README.md).", OneOf("safe", "lease")),
        new(RaftSnapshotInterval, "10000", "raft: applied entries between two snapshots of the state (a RocksDB checkpoint archived to one file under raft-log/snapshots); the log is then compacted behind it. Lower it to bound the log and a rejoining node's catch-up by log; each snapshot copies the whole state.", Integer(1, long.MaxValue)),
        new(RaftCompactionMargin, "1000", "raft: entries kept in the log behind a snapshot, so a follower that lags by fewer catches up from the log instead of a whole snapshot.", Integer(0, long.MaxValue)),
        new(RocksDbAsyncOts, "false", "rocksdb: stream every committed change to a Tablestore table per namespace (jindometa_NAME on namespace.ots.instance), the off-cluster replica a new cluster recovers from; needs namespace.ots.endpoint, instance, accessKey and accessSecret. metaStatus shows _synced=1 once everything committed is uploaded.", Boolean),
        new(RaftAsyncOts, "false", "raft: the same replica, uploaded by whichever node leads; a new leader resumes from the table's checkpoint, and every node's change feed is trimmed only behind it. Needs the same namespace.ots.* keys; set it alike on every node. metaStatus shows _synced=1 on the leader's line once everything committed is uploaded.", Boolean),
        new(RocksDbRecoveryMode, "false", "rocksdb: rebuild each namespace of a new, empty data directory from its Tablestore replica (jindometa_NAME, written by async.ots.enabled on the old cluster, which must be stopped). Read-only meanwhile: writes fail with 25021; reads are served. metaStatus shows the progress, then state=FINISH; then restart with recovery.mode=false and async.ots.enabled=true to write and keep uploading to the same table. Needs the namespace.ots.* keys; refused on a store that holds metadata.", Boolean),
        new(FeedRetention, "1000000", "With upload off: the change-feed entries kept per namespace (older ones are trimmed, so the feed does not grow for ever). Turning upload on again resumes its table from its checkpoint only if fewer changes than this were made meanwhile; otherwise the uploader stops with one line. With upload on, the uploader trims behind its checkpoint instead.", Integer(0, long.MaxValue)),
        new(RecoveryWriterQuiet, "30", "Recovery mode: when the replica holds rows of an upload run the old cluster never finished (it died mid-run), they are recovered as they were at the checkpoint and put back in the table, but only once the checkpoint has not moved for this many seconds (a live uploader advances it every run). 0 when the old cluster is known to be gone.", Integer(0, 3600)),
        new(RaftRecoveryMode, "false", "raft: the same recovery for the three nodes, each started with it (and the same namespace.ots.* keys) on a new, empty data directory: the leader loads the replica through the raft log (a new leader resumes it; followers catch up by log or snapshot). Read-only on every node meanwhile: writes fail with 25021; reads are served. metaStatus shows state=RECOVERING on every node's line, then FINISH; then restart all three with recovery.mode=false and raft.async.ots.enabled=true. Refused on a node whose state holds metadata.", Boolean),
        new(OtsHighAvailability, "false", "ots: active/standby. Run two servers on the same tables: one holds each namespace's lease and serves, the other answers with the active's address (clients follow it: list both in jfs.namespace.server.rpc-address) and takes over when the lease lapses. Off: a second server on a table another serves refuses to start.", Boolean),
        new(OtsLease, "10000", "ots: the lease time in milliseconds: a standby takes over after the lease row has not moved for this long, and an active that could not renew stops answering after 4/5 of it. The failover time is about this.", Integer(500, 600_000)),
        new(OtsCacheEntries, "1000000", "ots: rows the active keeps in memory (reads it can prove current cost no Tablestore call); past it, every row already written is dropped at once.", Integer(1024, 100_000_000)),
        new(AuditEnabled, "false", "Write one line per namespace operation in HDFS's audit format (allowed= ugi= ip= cmd= src= dst= perm= proto=rpc, plus ns=) to namespace.audit.file. Permission denials are logged as allowed=false. Lines are queued and written by a background thread; a full queue makes calls wait rather than drop a line.", Boolean),
        new(AuditFile, "hdfs-audit.log", "The audit log file; a relative path is under namespace.log.dir. The day goes into the name, and a roll number past namespace.audit.max-file-size: hdfs-audit-YYYYMMDD.log, hdfs-audit-YYYYMMDD_001.log, ...", NonEmpty),
        new(AuditMaxFileSize, "256m", "Size at which the audit log rolls to a new file.", Size(1 << 20, 1L << 40)),
        new(AuditRetainedFiles, "30", "Audit log files kept; older ones are deleted.", Integer(1, 100_000)),
        new(Authentication, "simple", "Who a caller is. simple: the user name the call sends (x-jindo-user), believed as sent (Hadoop's default: anyone who reaches the port may claim any user, the superuser too; fine on loopback or a trusted network only). tls: TLS on the RPC port (and mutual TLS between raft peers) from namespace.security.tls.*; with client-auth=required the user is taken from the client certificate.", OneOf("simple", "tls")),
        new(TlsCertificateFile, null, "tls: this server's certificate (PEM, leaf first, then intermediates), also presented to raft peers. Reloaded without restart when the file changes: new connections get the new one.", NonEmpty),
        new(TlsKeyFile, null, "tls: the certificate's private key (PEM, unencrypted; keep it mode 0600). Never printed or logged.", NonEmpty),
        new(TlsCaFile, null, "tls: the CA bundle (PEM) client certificates and raft peers' certificates must be issued by; the system's roots are not trusted for them. Needed with client-auth=required and on raft.", NonEmpty),
        new(TlsClientAuth, "required", "tls: required: every connection presents a client certificate issued by namespace.security.tls.ca-file, and the caller is the user it names; x-jindo-user is then honoured only when that user may act as a proxy for the named one (hadoop.proxyuser.*). none: encryption only; the user is x-jindo-user as in simple.", OneOf("required", "none")),
        new(TlsUserFrom, "cn", "tls: which part of the client certificate names the user. cn: the subject's common name (CN=alice). san-email: the part before '@' of the first e-mail subject alternative name (alice@example.com), as a Kerberos principal's short name.", OneOf("cn", "san-email")),
        new(OtsEndpoint, null, "Tablestore endpoint (async upload, recovery, ots backend).", NonEmpty),
        new(OtsInstance, null, "Tablestore instance name.", NonEmpty),
        new(OtsAccessKey, null, "Tablestore access key id.", NonEmpty, Secret: true),
        new(OtsAccessSecret, null, "Tablestore access key secret.", NonEmpty, Secret: true),
        new(OtsStsToken, null, "Tablestore STS security token, with a temporary access key.", NonEmpty, Secret: true),
        new(BlockStoreType, "local", "Where file data lives, as block objects NAMESPACE/FILEID/BLOCKID (data plus a CRC32C per 512 bytes). local: a directory (namespace.blockstore.local.dir); on raft every node must see the same directory (shared storage), or use s3. s3: an S3-compatible bucket (AWS, MinIO, Alibaba OSS through its S3 endpoint). Data streams through the daemon (jindometa.v1.DataService), so clients need no store credentials.", OneOf("local", "s3")),
        new(BlockStoreLocalDirectory, "", "local: the blocks' directory (empty: blocks under namespace.data.dir).", Any),
        new(BlockStoreS3Endpoint, null, "s3: the endpoint URL, e.g. https://oss-cn-hangzhou.aliyuncs.com or http://127.0.0.1:9000 (empty: AWS for the region).", NonEmpty),
        new(BlockStoreS3Bucket, null, "s3: the bucket (it must exist).", NonEmpty),
        new(BlockStoreS3Region, "us-east-1", "s3: the signing region.", NonEmpty),
        new(BlockStoreS3AccessKey, null, "s3: access key id.", NonEmpty, Secret: true),
        new(BlockStoreS3SecretKey, null, "s3: secret access key.", NonEmpty, Secret: true),
        new(BlockStoreS3Prefix, "", "s3: a key prefix for every object (e.g. jindometa/), so one bucket can hold several clusters' blocks.", Any),
        new(BlockStoreS3PathStyle, "true", "s3: path-style addressing (endpoint/bucket/key), as MinIO and most non-AWS stores want; false: virtual-hosted (bucket.endpoint/key), as OSS wants.", Boolean),
        new(ReclaimInterval, "300", "Seconds between two sweeps of the block store for objects no file refers to (blocks of deleted or overwritten files, of writes that failed). The leader sweeps; an object goes only when two sweeps at least grace-seconds apart both found it unreferenced.", Integer(1, 86_400)),
        new(ReclaimGrace, "3600", "Seconds an unreferenced block object is kept before it is deleted, so a reader that fetched a block list before the file was deleted can still read it.", Integer(0, 7 * 86_400)),
        new(LeaseSoftLimit, "60", "Seconds a writer's lease on a file under construction holds without renewal before another client may take the file over (HDFS: 60).", Integer(1, 86_400)),
        new(LeaseHardLimit, "1200", "Seconds after which a lease that was not renewed is recovered by the server: a file being created is removed, one being appended to is closed with the blocks it had (HDFS: 20 minutes).", Integer(1, 7 * 86_400)),
        new(MetricsEnabled, "true", "Serve Prometheus metrics (per-call counts, errors by code, latency histograms, group commit, raft, uploader, RocksDB, .NET runtime) on namespace.metrics.port.", Boolean),
        new(MetricsPort, "8104", "Metrics port: plain HTTP/1.1, GET /metrics in the Prometheus text format, on namespace.rpc.bind-host. It serves nothing else, and the RPC port does not serve /metrics.", Integer(0, 65535)),
    ];

    private static readonly Dictionary<string, ConfigKey> ByName = All.ToDictionary(k => k.Name, StringComparer.Ordinal);

    public static ConfigKey? Find(string name) => ByName.GetValueOrDefault(name) ?? ProxyUserKey(name);

    /// <summary>hadoop.proxyuser.USER.users / .groups (comma-separated names, * for all) and .hosts (IPs, CIDR ranges,
    /// host names, * for any): whom USER may act for and from where (Hadoop's impersonation rules).</summary>
    private static ConfigKey? ProxyUserKey(string name)
    {
        if (!name.StartsWith(ProxyUserPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var rest = name[ProxyUserPrefix.Length..];
        var dot = rest.LastIndexOf('.');
        if (dot <= 0 || rest[(dot + 1)..] is not ("users" or "groups" or "hosts"))
        {
            return null;
        }

        return new ConfigKey(name, null, "Hadoop proxy user: whom this user may act for, or from which hosts.", Any);
    }

    /// <summary>The known key closest to a misspelt one, for "did you mean".</summary>
    public static string? Closest(string name)
    {
        var best = All.MinBy(k => Distance(k.Name.ToLowerInvariant(), name.ToLowerInvariant()))!;
        return Distance(best.Name.ToLowerInvariant(), name.ToLowerInvariant()) <= Math.Max(3, name.Length / 4) ? best.Name : null;
    }

    private static string? BindAddress(string value) =>
        System.Net.IPAddress.TryParse(value, out _) ? null : "must be an IP address such as 0.0.0.0 or 127.0.0.1";

    private static string? MaxOpenFiles(string value) =>
        long.TryParse(value, System.Globalization.CultureInfo.InvariantCulture, out var n) && (n == -1 || n is >= 20 and <= int.MaxValue)
            ? null
            : "must be -1 or at least 20";

    private static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
