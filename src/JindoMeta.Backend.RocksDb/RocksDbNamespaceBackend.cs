using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// The default, embedded backend: one node, metadata in local RocksDB, writes group-committed with a synced
/// WriteBatch. Acknowledged means on disk; reads go straight to RocksDB at a snapshot and see every
/// acknowledged write.
/// </summary>
public sealed class RocksDbNamespaceBackend : INamespaceBackend, IReplicaSource, IRecoveryTarget
{
    public const string TypeName = "rocksdb";

    private readonly NamespaceStore _store;
    private readonly NamespaceEngine _engine;
    private readonly GroupCommitWriter _writer;
    private readonly RocksDbBackendOptions _options;
    private int _disposed;

    private RocksDbNamespaceBackend(NamespaceStore store, NamespaceEngine engine, TimeProvider clock, RocksDbBackendOptions options)
    {
        _store = store;
        _engine = engine;
        _options = options;
        _writer = new GroupCommitWriter(store, engine, clock, options);
        _writer.WritesStopped += (_, _) => ServingChanged?.Invoke(this, EventArgs.Empty);
        ChangeFeed = new RocksDbChangeFeed(store, () => _writer.LastChangeIndex);
        StoreId = store.EnsureStoreId();
    }

    public string BackendType => TypeName;

    public event EventHandler? ServingChanged;

    /// <summary>Committed changes in order, for the async uploader.</summary>
    public IChangeFeed ChangeFeed { get; }

    public string StoreId { get; }

    public IReplicaSnapshot OpenSnapshot() => new RocksDbReplicaSnapshot(_store);

    public long EstimatedRows => (long)(_store.Database.GetPropertyInt("rocksdb.estimate-num-keys", _store.Dentries) ?? 0);

    public ReplicaOrigin? RecoveredFrom => _store.ReadRecoveredFrom();

    public RecoveryStage RecoveryStage => _store.ReadRecoveryStage();

    public byte[]? RecoveryProgress => _store.ReadRecoveryProgress();

    /// <summary>The store is this node's alone: a load is always <see cref="RecoveryWrite.Written"/>.</summary>
    public ValueTask<RecoveryWrite> LoadRowsAsync(IReadOnlyList<RowChange> rows, byte[] progress, CancellationToken cancellationToken)
    {
        EnsureRecoveryMode();
        _store.LoadRecoveryRows(rows, progress);
        return ValueTask.FromResult(RecoveryWrite.Written);
    }

    public ValueTask<RecoveryWrite> FinishRecoveryAsync(ReplicaOrigin origin, CancellationToken cancellationToken)
    {
        EnsureRecoveryMode();
        _store.FinishRecovery(origin);
        _writer.ReloadLastChangeIndex();
        ServingChanged?.Invoke(this, EventArgs.Empty);
        return ValueTask.FromResult(RecoveryWrite.Written);
    }

    private void EnsureRecoveryMode()
    {
        if (!_options.RecoveryMode)
        {
            throw new InvalidOperationException("Replica rows are loaded in recovery mode only (writes would race them).");
        }
    }

    /// <summary>Opens (formatting on first use) the namespace stored at <see cref="RocksDbBackendOptions.DataDirectory"/>.</summary>
    /// <exception cref="InvalidDataException">The directory belongs to another backend or format version, or is damaged.</exception>
    public static RocksDbNamespaceBackend Open(RocksDbBackendOptions options, PermissionSettings permissions, TimeProvider clock)
    {
        options.Validate();
        var engine = new NamespaceEngine(permissions);
        var store = NamespaceStore.Open(options.DataDirectory, options.Storage, TypeName,
            () => engine.FormatEffects(clock.GetUtcNow().ToUnixTimeMilliseconds()));
        if (options.RecoveryMode && store.ReadRecoveryStage() == RecoveryStage.Populated)
        {
            var last = store.ReadInt64(NamespaceSchema.MetaKeys.LastChangeIndex) ?? 0;
            store.Dispose();
            throw new InvalidDataException(
                $"Recovery mode rebuilds a namespace into a new, empty data directory, but the store at {options.DataDirectory} already holds metadata " +
                $"(last change {last}): refusing to merge the replica into it; point namespace.data.dir at an empty directory or turn recovery.mode off.");
        }

        return new RocksDbNamespaceBackend(store, engine, clock, options);
    }

    public ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, CancellationToken cancellationToken = default) =>
        SubmitAsync(command, ClientCallId.None, cancellationToken);

    /// <summary>The writer keeps the retry cache in the store (the raft backend's mechanism, <see cref="RetryCache"/>).</summary>
    public bool RemembersCalls => true;

    public ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, ClientCallId call, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return _options.RecoveryMode
            ? ValueTask.FromResult<Result<FileStatus?>>(NamespaceError.ReadOnly)
            : _writer.SubmitAsync(command, call, cancellationToken);
    }

    public ValueTask<Result<FileStatus>> GetFileInfoAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        Read(state => _engine.GetFileInfo(state, path, caller));

    public ValueTask<Result<DirectoryListing>> ListStatusAsync(
        string path, string? startAfter, int limit, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        Read(state => _engine.ListStatus(state, path, startAfter, limit, caller));

    public ValueTask<Result<ContentSummary>> GetContentSummaryAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        Read(state => _engine.GetContentSummary(state, path, caller));

    public BackendStatus GetStatus()
    {
        var state = _writer.Failure is not null ? "FAILED"
            : !_options.RecoveryMode ? "RUNNING"
            : RecoveryStage == RecoveryStage.Finished ? "FINISH" : "RECOVERING";
        return new BackendStatus(TypeName, "LEADER", state, _writer.LastChangeIndex, new Dictionary<string, string>
        {
            ["dataDirectory"] = _options.DataDirectory,
            ["commandsPerSyncedWrite"] = CommandsPerGroup().ToString("F1", System.Globalization.CultureInfo.InvariantCulture),
            ["rowsPerCommand"] = RowsPerCommand().ToString("F2", System.Globalization.CultureInfo.InvariantCulture),
            ["syncWrites"] = _options.SyncWrites ? "true" : "false",
            ["syncs"] = _writer.SyncedWrites.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["changeFeedFirstIndex"] = ChangeFeed.FirstIndex.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["recoveredFrom"] = _store.ReadRecoveredFrom() is { } origin
                ? string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{origin.StoreId}:{origin.ChangeIndex}")
                : "none",
            ["estimatedEntries"] = (_store.Database.GetPropertyInt("rocksdb.estimate-num-keys", _store.Dentries) ?? 0).ToString(System.Globalization.CultureInfo.InvariantCulture),
        })
        { Serving = _writer.Failure is null && !_options.RecoveryMode };
    }

    private double CommandsPerGroup()
    {
        var (groups, commands, _) = _writer.GroupStatistics;
        return groups == 0 ? 0 : (double)commands / groups;
    }

    private double RowsPerCommand()
    {
        var (_, commands, rows) = _writer.GroupStatistics;
        return commands == 0 ? 0 : (double)rows / commands;
    }

    /// <summary>Runs a read at one snapshot; a damaged row or a failed read is a StorageFailure error, not an exception.</summary>
    private ValueTask<Result<T>> Read<T>(Func<RocksDbNamespaceState, Result<T>> read)
    {
        try
        {
            using var snapshot = _store.Database.CreateSnapshot();
            return ValueTask.FromResult(read(new RocksDbNamespaceState(_store, snapshot)));
        }
        catch (Exception e) when (e is InvalidDataException or RocksDbException)
        {
            return ValueTask.FromResult(Result<T>.Fail(new NamespaceError(ErrorCode.StorageFailure, $"Reading the namespace store failed: {e.Message}")));
        }
    }

    /// <summary>A RocksDB property of the store (e.g. "rocksdb.stats"), for operators' detail views.</summary>
    public string? GetStorageProperty(string name) => _store.Database.GetProperty(name);

    /// <summary>Finishes the commands already queued, then closes the store.</summary>
    public ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _writer.Dispose();
            _store.Dispose();
        }

        return ValueTask.CompletedTask;
    }
}
