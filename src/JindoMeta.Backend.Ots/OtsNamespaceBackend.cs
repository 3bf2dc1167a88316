using System.Diagnostics;
using System.Globalization;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JindoMeta.Backend.Ots;

/// <summary>
/// The ots backend: the namespace lives in its own Tablestore table and this server keeps no local metadata. One
/// server at a time is active (it holds the lease row, <see cref="LeaseRow"/>) and serves; any other is its standby,
/// answers with <see cref="ErrorCode.NotLeader"/> naming the active, and takes over when the lease lapses.
/// </summary>
public sealed class OtsNamespaceBackend : INamespaceBackend
{
    public const string TypeName = "ots";

    private readonly TableStoreClient _client;
    private readonly OtsBackendOptions _options;
    private readonly NamespaceEngine _engine;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Lock _gate = new();
    private ActiveSession? _session;
    private Task _standby = Task.CompletedTask;
    private LeaseRow? _lastSeen;
    private int _disposed;

    private OtsNamespaceBackend(TableStoreClient client, OtsBackendOptions options, NamespaceEngine engine, TimeProvider clock, ILogger logger)
    {
        _client = client;
        _options = options;
        _engine = engine;
        _clock = clock;
        _logger = logger;
        Table = OtsTable.TableName(options.NamespaceName);
    }

    public string BackendType => TypeName;

    public string Table { get; }

    public event EventHandler? ServingChanged;

    /// <summary>Tablestore calls this server has made (each retry counts), for calls-per-operation figures.</summary>
    public long TableStoreRequests => _client.RequestCount;

    /// <summary>The term this server is active in, if it is.</summary>
    internal ActiveSession? Session => Volatile.Read(ref _session);

    /// <summary>
    /// Creates and formats the table on first use, then takes the lease if it is free (or was this server's) or waits
    /// as standby. Without <see cref="OtsBackendOptions.HighAvailability"/> a live active elsewhere is refused.
    /// </summary>
    /// <exception cref="InvalidDataException">The table is not this namespace's, or another server serves it and HA is off.</exception>
    public static async Task<OtsNamespaceBackend> OpenAsync(OtsBackendOptions options, PermissionSettings permissions, TimeProvider clock,
        ILogger? logger = null, CancellationToken cancellationToken = default)
    {
        options.Validate();
        // The client's timeouts stay as configured: safety rests on the epoch conditions, and the writer gives up on
        // a commit after one lease time of its own retries.
        var client = new TableStoreClient(options.TableStore);
        var engine = new NamespaceEngine(permissions);
        var backend = new OtsNamespaceBackend(client, options, engine, clock, logger ?? NullLogger.Instance);
        try
        {
            await OtsTableFormat.EnsureAsync(client, backend.Table, options.NamespaceName,
                engine.FormatEffects(clock.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken).ConfigureAwait(false);
            if (!await backend.TryTakeOverAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!options.HighAvailability)
                {
                    await backend.RefuseOrTakeOverAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    backend._standby = Task.Run(backend.RunStandbyAsync, CancellationToken.None);
                }
            }
        }
        catch
        {
            await backend.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return backend;
    }

    public ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(command);
        return Session is { } session ? session.SubmitAsync(command, cancellationToken) : ValueTask.FromResult<Result<FileStatus?>>(NotActive());
    }

    public ValueTask<Result<FileStatus>> GetFileInfoAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        Read(state => _engine.GetFileInfo(state, path, caller));

    public ValueTask<Result<DirectoryListing>> ListStatusAsync(string path, string? startAfter, int limit, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        Read(state => _engine.ListStatus(state, path, startAfter, limit, caller));

    public ValueTask<Result<ContentSummary>> GetContentSummaryAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default) =>
        Read(state => _engine.GetContentSummary(state, path, caller));

    public BackendStatus GetStatus()
    {
        var session = Session;
        var seen = Volatile.Read(ref _lastSeen);
        var detail = new Dictionary<string, string>
        {
            ["table"] = Table,
            ["ha"] = _options.HighAvailability ? "true" : "false",
            ["epoch"] = (session?.Epoch ?? seen?.Epoch ?? 0).ToString(CultureInfo.InvariantCulture),
            ["holder"] = session is not null ? _options.Holder : seen?.Holder ?? "",
            ["tablestoreRequests"] = _client.RequestCount.ToString(CultureInfo.InvariantCulture),
        };
        if (session is not null)
        {
            var (commits, commands) = session.Statistics;
            detail["applied"] = session.Applied.ToString(CultureInfo.InvariantCulture);
            detail["leaseRemainingMs"] = ((long)session.LeaseRemaining.TotalMilliseconds).ToString(CultureInfo.InvariantCulture);
            detail["commandsPerCommit"] = (commits == 0 ? 0 : (double)commands / commits).ToString("F1", CultureInfo.InvariantCulture);
            detail["cacheRows"] = session.Cache.Count.ToString(CultureInfo.InvariantCulture);
            detail["cacheHits"] = session.Cache.Hits.ToString(CultureInfo.InvariantCulture);
            detail["cacheMisses"] = session.Cache.Misses.ToString(CultureInfo.InvariantCulture);
        }

        return new BackendStatus(TypeName, session is not null ? "ACTIVE" : "STANDBY", "RUNNING", session?.Committed ?? seen?.Committed ?? 0, detail)
        {
            Serving = session?.HoldsLease == true,
            LeaderClientAddress = session is null && seen is { Holder.Length: > 0 } ? seen.Holder : null,
        };
    }

    private ValueTask<Result<T>> Read<T>(Func<TableNamespaceState, Result<T>> read) =>
        ValueTask.FromResult(Session is { } session ? session.Read(read) : NotActive());

    private NamespaceError NotActive()
    {
        var holder = Volatile.Read(ref _lastSeen)?.Holder;
        return !string.IsNullOrEmpty(holder) && holder != _options.Holder ? NamespaceError.NotLeader(holder) : NamespaceError.NoLeader;
    }

    /// <summary>Reads the lease and takes it if it is free or was this server's (a restart after a crash).</summary>
    private async Task<bool> TryTakeOverAsync(CancellationToken cancellationToken)
    {
        var lease = await ReadLeaseAsync(cancellationToken).ConfigureAwait(false);
        return (lease.Holder.Length == 0 || lease.Holder == _options.Holder) && await TakeOverAsync(lease, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Without HA: waits one lease time; if the lease moved meanwhile another server is live and this one refuses.</summary>
    private async Task RefuseOrTakeOverAsync(CancellationToken cancellationToken)
    {
        var first = await ReadLeaseAsync(cancellationToken).ConfigureAwait(false);
        await Task.Delay(_options.LeaseDuration, cancellationToken).ConfigureAwait(false);
        var now = await ReadLeaseAsync(cancellationToken).ConfigureAwait(false);
        if (now.Epoch != first.Epoch || now.Beat != first.Beat || !await TakeOverAsync(now, cancellationToken).ConfigureAwait(false))
        {
            throw new InvalidDataException(
                $"The ots namespace table {Table} is served by {now.Holder} (lease epoch {now.Epoch}); a second server needs namespace.backend.ots.ha=true to run as its standby");
        }
    }

    private async Task<LeaseRow> ReadLeaseAsync(CancellationToken cancellationToken)
    {
        var row = (await _client.GetRowAsync(Table, OtsTable.LeaseKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Row
            ?? throw new InvalidDataException($"The ots namespace table {Table} has no lease row: the table is damaged");
        var lease = LeaseRow.Parse(row);
        Volatile.Write(ref _lastSeen, lease);
        return lease;
    }

    /// <summary>One conditional write from the lease as read to the next epoch held by this server; false if another moved it first.</summary>
    private async Task<bool> TakeOverAsync(LeaseRow seen, CancellationToken cancellationToken)
    {
        var epoch = seen.Epoch + 1;
        var started = Stopwatch.GetTimestamp();
        try
        {
            await _client.UpdateRowAsync(Table, OtsTable.LeaseKey,
                [ColumnUpdate.Put(LeaseRow.EpochColumn, epoch), ColumnUpdate.Put(LeaseRow.HolderColumn, _options.Holder), ColumnUpdate.Put(LeaseRow.BeatColumn, seen.Beat + 1)],
                seen.Unchanged(), cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TableStoreException e) when (e.Code == TableStoreErrorCodes.ConditionCheckFail)
        {
            return false;
        }

        var session = await ActiveSession.StartAsync(_client, Table, _options, _engine, _clock, _logger, epoch, started, cancellationToken).ConfigureAwait(false);
        session.Lost += OnLost;
        lock (_gate)
        {
            if (_disposed != 0)
            {
                _ = session.StopAsync().AsTask();
                return true;
            }

            Volatile.Write(ref _session, session);
        }

        ServingChanged?.Invoke(this, EventArgs.Empty);
        return true;
    }

    private void OnLost(ActiveSession session, string reason)
    {
        lock (_gate)
        {
            if (!ReferenceEquals(_session, session))
            {
                return;
            }

            Volatile.Write(ref _session, null);
            if (_disposed == 0)
            {
                _standby = Task.Run(RunStandbyAsync, CancellationToken.None);
            }
        }

        ServingChanged?.Invoke(this, EventArgs.Empty);
        _ = session.StopAsync().AsTask();
    }

    /// <summary>
    /// Watches the lease every quarter of the lease time; takes it when it is free, or when it has not moved for a
    /// whole lease time by this server's clock (the active stops answering after 4/5 of it by its own).
    /// </summary>
    private async Task RunStandbyAsync()
    {
        var token = _stopping.Token;
        LeaseRow? watched = null;
        var since = 0L;
        var leaseTicks = (long)(_options.LeaseDuration.TotalSeconds * Stopwatch.Frequency);
        while (!token.IsCancellationRequested)
        {
            try
            {
                var lease = await ReadLeaseAsync(token).ConfigureAwait(false);
                if (watched is null || lease.Epoch != watched.Epoch || lease.Beat != watched.Beat)
                {
                    watched = lease;
                    since = Stopwatch.GetTimestamp();
                }

                var lapsed = Stopwatch.GetTimestamp() - since >= leaseTicks;
                if ((lease.Holder.Length == 0 || lease.Holder == _options.Holder || lapsed) && await TakeOverAsync(lease, token).ConfigureAwait(false))
                {
                    if (lapsed && lease.Holder.Length > 0 && lease.Holder != _options.Holder)
                    {
                        _logger.LogWarning("Namespace {Namespace}: the lease of {Holder} (epoch {Epoch}) lapsed; this server took over",
                            _options.NamespaceName, lease.Holder, lease.Epoch);
                    }

                    return;
                }
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (ActiveSession.IsTableFailure(e) || e is LeaseLostException)
            {
                _logger.LogWarning("Namespace {Namespace}: standby could not read or take the lease: {Error}", _options.NamespaceName, ActiveSession.OneLine(e));
            }

            try
            {
                await Task.Delay(_options.LeaseDuration / 4, token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Answers what is queued, writes what is committed and hands the lease back, so a standby serves at once.</summary>
    public async ValueTask DisposeAsync()
    {
        ActiveSession? session;
        lock (_gate)
        {
            if (_disposed != 0)
            {
                return;
            }

            _disposed = 1;
            session = _session;
            Volatile.Write(ref _session, null);
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        await _standby.ConfigureAwait(false);
        if (session is not null)
        {
            await session.StopAsync().ConfigureAwait(false);
        }

        _stopping.Dispose();
        _client.Dispose();
    }
}
