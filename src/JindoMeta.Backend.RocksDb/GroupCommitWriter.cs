using System.Threading.Channels;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// The one writer of a namespace store, as a two-stage pipeline. The executor thread takes queued commands in
/// order and runs each against the store plus every effect not yet durable (its own group's and the group being
/// flushed), staging rows, one change-feed entry per changing command and the new last index in a WriteBatch.
/// The flusher thread writes each group with one synced write, in order, and only then answers its commands.
/// So group N+1 executes while group N waits for its fdatasync.
/// </summary>
/// <remarks>
/// Why two stages: a profile of 64 concurrent creates showed the executor and the 0.25-0.5 ms fdatasync each
/// taking a large share of a group's time on one thread. Every group, even one whose commands changed nothing
/// (a successful mkdir -p of an existing directory), is answered only after all earlier groups are durable,
/// since its answers may depend on them. A command with a client call id is first looked up in the
/// <see cref="RetryCache"/> (the same replicated-style cache as the raft backend's, in the same store table): a
/// duplicate gets the first outcome; otherwise its outcome is staged in the group's batch. After a failed write nothing more is written: every later command gets
/// <see cref="ErrorCode.StorageFailure"/>, because the store's state is no longer known to match ours.
/// </remarks>
internal sealed partial class GroupCommitWriter : IDisposable
{
    private readonly NamespaceStore _store;
    private readonly NamespaceEngine _engine;
    private readonly TimeProvider _clock;
    private readonly RocksDbBackendOptions _options;
    private readonly Channel<PendingCommand> _queue;
    private readonly DirectoryCache _cache;
    private readonly RetryCache _retryCache = new(RetryCacheLimits.Default);
    private readonly Thread _executor;
    private readonly Thread _flusher;
    private readonly GroupCommitMetrics _metrics;

    // Both threads sleep on events with spin count 0: spinning would steal a core from the callers on a
    // 2-core machine (a profile showed a quarter of the writer's time in Task.SpinWait).
    private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);
    private readonly ManualResetEventSlim _flushRequested = new(false, spinCount: 0);
    private volatile bool _idle;
    private volatile CommitGroup? _toFlush;
    private volatile bool _stopping;
    private long _lastChangeIndex;
    private long _groups;
    private long _commands;
    private long _rowsWritten;
    private long _syncedWrites;
    private volatile NamespaceError? _failure;

    public GroupCommitWriter(NamespaceStore store, NamespaceEngine engine, TimeProvider clock, RocksDbBackendOptions options)
    {
        _store = store;
        _engine = engine;
        _clock = clock;
        _options = options;
        _lastChangeIndex = store.ReadInt64(NamespaceSchema.MetaKeys.LastChangeIndex) ?? 0;
        _queue = Channel.CreateBounded<PendingCommand>(new BoundedChannelOptions(options.QueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
        _cache = new DirectoryCache(new RocksDbNamespaceState(store), capacity: 65_536);
        _metrics = new GroupCommitMetrics(store, options);
        _executor = new Thread(RunExecutor) { IsBackground = true, Name = "jindometa-executor" };
        _flusher = new Thread(RunFlusher) { IsBackground = true, Name = "jindometa-flusher" };
        _flusher.Start();
        _executor.Start();
    }

    /// <summary>Index of the newest durable change-feed entry.</summary>
    public long LastChangeIndex => Volatile.Read(ref _lastChangeIndex);

    public NamespaceError? Failure => _failure;

    /// <summary>Recovery mode rewrote the store's last change index (no command ran: writes are refused meanwhile).</summary>
    public void ReloadLastChangeIndex() =>
        Volatile.Write(ref _lastChangeIndex, _store.ReadInt64(NamespaceSchema.MetaKeys.LastChangeIndex) ?? 0);

    /// <summary>Raised once, on the writer's thread, when a failure stops all further writes.</summary>
    public event EventHandler? WritesStopped;

    /// <summary>Groups committed, commands they held and RocksDB rows written, since start.</summary>
    public (long Groups, long Commands, long Rows) GroupStatistics =>
        (Volatile.Read(ref _groups), Volatile.Read(ref _commands), Volatile.Read(ref _rowsWritten));

    /// <summary>Store writes issued with sync=true since start (a group that changed nothing writes nothing).</summary>
    public long SyncedWrites => Volatile.Read(ref _syncedWrites);

    public async ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, ClientCallId call, CancellationToken cancellationToken)
    {
        if (_failure is { } failed)
        {
            return failed;
        }

        var pending = new PendingCommand(command, call);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            return new NamespaceError(ErrorCode.Unavailable, "The namespace is shutting down.");
        }

        if (_idle)
        {
            _wake.Set();
        }

        return await pending.Completion.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Stops taking commands, commits and answers those queued, and waits for both threads.</summary>
    public void Dispose()
    {
        _queue.Writer.TryComplete();
        _wake.Set();
        _executor.Join();
        _stopping = true;
        _flushRequested.Set();
        _flusher.Join();
        _metrics.Dispose();
        _wake.Dispose();
        _flushRequested.Dispose();
    }

    private void StopWrites(NamespaceError failure)
    {
        _failure = failure;
        WritesStopped?.Invoke(this, EventArgs.Empty);
    }
}
