using System.Collections.Concurrent;
using System.Diagnostics;
using System.Threading.Channels;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.State;
using JindoMeta.Replication;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Backend.Ots;

/// <summary>
/// One term as the active server of a namespace (one lease epoch): a writer thread that executes queued commands in
/// groups on the cached state and commits each group with one conditional write of the lease row
/// (<see cref="LeaseRow"/>), and an applier that then writes the group's rows to the table. It ends when the lease is
/// lost (another server's epoch, or no renewal for the lease time), and never writes again after that.
/// </summary>
internal sealed partial class ActiveSession
{
    private readonly TableStoreClient _client;
    private readonly string _table;
    private readonly OtsBackendOptions _options;
    private readonly NamespaceEngine _engine;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly RowCache _cache;
    private readonly TableNamespaceState _state;
    private readonly Channel<PendingCommand> _queue = Channel.CreateBounded<PendingCommand>(new BoundedChannelOptions(65_536) { SingleReader = true });
    private readonly Channel<CommittedEntry> _toApply = Channel.CreateUnbounded<CommittedEntry>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly ManualResetEventSlim _appliedSignal = new(false, spinCount: 0);
    private readonly SortedSet<long> _entryColumns = [];
    private readonly ConcurrentQueue<CommittedEntry> _appliedWithPieces = new();
    private readonly long _leaseTicks;
    private readonly Thread _writer;
    private Task _applier = Task.CompletedTask;
    private Task _pieceDeletion = Task.CompletedTask;
    private long _beat;
    private long _committed;
    private long _persistedApplied;
    private long _appliedThrough;
    private long _validUntil;
    private long _lastLeaseWrite;
    private long _nextInodeId;
    private long _lastTimestamp;
    private long _commits;
    private long _commands;
    private int _lost;

    private ActiveSession(TableStoreClient client, string table, OtsBackendOptions options, NamespaceEngine engine, TimeProvider clock, ILogger logger, long epoch)
    {
        _client = client;
        _table = table;
        _options = options;
        _engine = engine;
        _clock = clock;
        _logger = logger;
        Epoch = epoch;
        _leaseTicks = (long)(options.LeaseDuration.TotalSeconds * Stopwatch.Frequency);
        _cache = new RowCache(options.CacheEntries);
        _state = new TableNamespaceState(client, table, _cache, () => _nextInodeId);
        _writer = new Thread(RunWriter) { IsBackground = true, Name = "jindometa-ots-writer" };
    }

    public long Epoch { get; }

    public long Committed => Volatile.Read(ref _committed);

    public long Applied => Volatile.Read(ref _appliedThrough);

    public RowCache Cache => _cache;

    public (long Commits, long Commands) Statistics => (Volatile.Read(ref _commits), Volatile.Read(ref _commands));

    /// <summary>Whether this term may answer now: its lease is held and was renewed within the time a standby waits.</summary>
    public bool HoldsLease => Volatile.Read(ref _lost) == 0 && Stopwatch.GetTimestamp() < Volatile.Read(ref _validUntil);

    public TimeSpan LeaseRemaining => TimeSpan.FromSeconds(Math.Max(0, Volatile.Read(ref _validUntil) - Stopwatch.GetTimestamp()) / (double)Stopwatch.Frequency);

    /// <summary>Raised once, on a pool thread, when the term ends by itself (lease lost); the reason is one line.</summary>
    public event Action<ActiveSession, string>? Lost;

    /// <summary>
    /// Begins the term of <paramref name="epoch"/>, which this server just took (at <paramref name="takenAt"/>, a
    /// <see cref="Stopwatch"/> timestamp): reads the log, puts every committed entry not yet written into the cache
    /// (so the term serves at once) and hands it to the applier.
    /// </summary>
    public static async Task<ActiveSession> StartAsync(TableStoreClient client, string table, OtsBackendOptions options, NamespaceEngine engine,
        TimeProvider clock, ILogger logger, long epoch, long takenAt, CancellationToken cancellationToken)
    {
        var session = new ActiveSession(client, table, options, engine, clock, logger, epoch);
        var leaseRow = (await client.GetRowAsync(table, OtsTable.LeaseKey, cancellationToken: cancellationToken).ConfigureAwait(false)).Row
            ?? throw new InvalidDataException($"The lease row of {table} disappeared: the table is damaged");
        var lease = LeaseRow.Parse(leaseRow);
        if (lease.Epoch != epoch)
        {
            throw new LeaseLostException($"another server took the lease of {table} (epoch {lease.Epoch}) before this one began epoch {epoch}");
        }

        var nextIdRow = (await client.GetRowAsync(table, ReplicaTable.Key(new LocalRow(NamespaceSchema.MetaTable, NamespaceSchema.MetaKeys.NextInodeId, null)),
            cancellationToken: cancellationToken).ConfigureAwait(false)).Row;
        var nextId = ReplicaTable.ImageAt(nextIdRow ?? throw new InvalidDataException($"{table} has no next-inode-id row: the table is damaged"), long.MaxValue).Value;
        session._nextInodeId = NamespaceSchema.ReadInt64Value(nextId, "next inode id");
        session._beat = lease.Beat;
        session._committed = lease.Committed;
        session._persistedApplied = session._appliedThrough = lease.Applied;
        session._validUntil = takenAt + (session._leaseTicks * 4 / 5);
        session._lastLeaseWrite = takenAt;
        foreach (var (seq, column) in lease.Entries)
        {
            session._entryColumns.Add(seq);
            if (seq <= lease.Applied || seq > lease.Committed)
            {
                continue;
            }

            var entry = await CommittedEntry.ReadAsync(client, table, seq, column, cancellationToken).ConfigureAwait(false);
            session.Admit(entry);
        }

        logger.LogInformation("Namespace {Namespace}: active in epoch {Epoch} (table {Table}), {Replayed} committed entries to write, last commit {Committed}",
            options.NamespaceName, epoch, table, lease.Committed - lease.Applied, lease.Committed);
        session._applier = Task.Run(session.RunApplierAsync, CancellationToken.None);
        session._writer.Start();
        return session;
    }

    public async ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _lost) != 0)
        {
            return NamespaceError.NoLeader;
        }

        var pending = new PendingCommand(command);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return NamespaceError.NoLeader;
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Runs a read on the cached state while the lease is held; a failed table read is an error, not an exception.</summary>
    public Result<T> Read<T>(Func<TableNamespaceState, Result<T>> read)
    {
        if (!HoldsLease)
        {
            return NamespaceError.NoLeader;
        }

        try
        {
            return read(_state);
        }
        catch (Exception e) when (IsTableFailure(e))
        {
            return new NamespaceError(ErrorCode.Unavailable, $"Reading the namespace table failed: {OneLine(e)}");
        }
    }

    /// <summary>
    /// Ends the term: answers what is queued, lets the applier finish (within the lease time), and, if the lease is
    /// still ours, hands it back (holder "") so a standby takes over at once.
    /// </summary>
    public async ValueTask StopAsync()
    {
        _queue.Writer.TryComplete();
        await Task.Run(_writer.Join).ConfigureAwait(false);
        await _pieceDeletion.ConfigureAwait(false); // the writer started the last one; it uses _stop
        _toApply.Writer.TryComplete();
        if (await Task.WhenAny(_applier, Task.Delay(_options.LeaseDuration)).ConfigureAwait(false) != _applier)
        {
            _logger.LogWarning("Namespace {Namespace}: stopping with committed entries not yet written to their rows; the next active writes them",
                _options.NamespaceName);
        }

        if (Interlocked.Exchange(ref _lost, 1) == 0)
        {
            try
            {
                await _client.UpdateRowAsync(_table, OtsTable.LeaseKey,
                    [ColumnUpdate.Put(LeaseRow.HolderColumn, ""), ColumnUpdate.Put(LeaseRow.BeatColumn, _beat + 1)],
                    LeaseRow.HeldAt(Epoch)).ConfigureAwait(false);
            }
            catch (Exception e) when (IsTableFailure(e))
            {
                _logger.LogWarning("Namespace {Namespace}: could not hand back the lease ({Error}); a standby takes over when it lapses",
                    _options.NamespaceName, OneLine(e));
            }
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        await _applier.ConfigureAwait(false);
        _stop.Dispose();
        _appliedSignal.Dispose();
    }

    private void StepDown(string reason)
    {
        if (Interlocked.Exchange(ref _lost, 1) != 0)
        {
            return;
        }

        _logger.LogWarning("Namespace {Namespace}: no longer active in epoch {Epoch}: {Reason}", _options.NamespaceName, Epoch, reason);
        _queue.Writer.TryComplete();
        _stop.Cancel();
        ThreadPool.QueueUserWorkItem(_ => Lost?.Invoke(this, reason));
    }

    /// <summary>A committed entry enters the cache (shadowing the table) and goes to the applier.</summary>
    private void Admit(CommittedEntry entry)
    {
        _cache.Committed(entry.Seq, entry.Rows, firstNewInodeId: _nextInodeId);
        foreach (var row in entry.Rows)
        {
            if (row.Table == NamespaceSchema.MetaTable && row.Key.AsSpan().SequenceEqual(NamespaceSchema.MetaKeys.NextInodeId))
            {
                _nextInodeId = NamespaceSchema.ReadInt64Value(row.Value, "next inode id");
            }
        }

        _toApply.Writer.TryWrite(entry);
    }

    internal static bool IsTableFailure(Exception e) =>
        e is TableStoreException or HttpRequestException or IOException or TimeoutException or TaskCanceledException or InvalidDataException ||
        (e is AggregateException { InnerException: { } inner } && IsTableFailure(inner));

    internal static string OneLine(Exception e) => e.Message.ReplaceLineEndings(" ");

    private sealed class PendingCommand(NamespaceCommand command)
    {
        public NamespaceCommand Command { get; } = command;

        public TaskCompletionSource<Result<FileStatus?>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Result<FileStatus?> Result { get; set; } = NamespaceError.NoLeader;
    }
}

/// <summary>Another server holds the lease now (or this one could not keep it).</summary>
internal sealed class LeaseLostException(string message) : Exception(message);
