using System.Threading.Channels;

namespace JindoMeta.Raft;

/// <summary>
/// Runs a <see cref="RaftNode"/> on one loop: takes proposals, peer messages, read requests and ticks from a queue, and
/// for each Ready persists (synced), sends, applies and advances. Completes each proposal's task with the state
/// machine's result when the entry is applied, and each read when the state machine has caught up with its read index.
/// </summary>
/// <remarks>Thread-safe: the public methods only enqueue; all raft and state machine work happens on the loop. A storage
/// or state machine exception stops the loop: the node goes silent (safe) and <see cref="Completion"/> faults.</remarks>
public sealed partial class RaftDriver : IAsyncDisposable
{
    private readonly RaftDriverOptions _options;
    private readonly Channel<Command> _commands = Channel.CreateUnbounded<Command>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly RaftNode _node;
    private ITimer? _timer;
    private Task _loop = Task.CompletedTask;
    private volatile RaftStatusSummary _summary;
    private volatile RaftStatus? _status;

    public RaftDriver(RaftDriverOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!ReferenceEquals(options.Raft.Storage, options.LogStore))
        {
            throw new ArgumentException("RaftOptions.Storage must be the driver's LogStore.", nameof(options));
        }

        _options = options;
        _lastSnapshotIndex = options.LogStore.Snapshot(out var snapshot) == StorageStatus.Ok ? snapshot.Index : 0;
        if (options.StateMachine.AppliedIndex < _lastSnapshotIndex)
        {
            // The log before the snapshot is gone: the state machine must start from the snapshot, not replay.
            options.StateMachine.Restore(snapshot);
        }

        _applied = Math.Max(options.StateMachine.AppliedIndex, _lastSnapshotIndex);
        _node = new RaftNode(options.Raft.WithApplied(_applied));
        (_persistedTerm, _persistedVote) = (_node.Term, _node.Vote);
        _summary = new RaftStatusSummary(_node.Id, 0, _node.Term, RaftRole.Follower, 0, 0);
    }

    public ulong Id => _node.Id;

    /// <summary>The latest observed leader, role and positions (updated by the loop; may lag by one iteration).</summary>
    public RaftStatusSummary Summary => _summary;

    /// <summary>The node's full status, with the leader's view of each follower, as of the last tick (null before it).</summary>
    public RaftStatus? Status => _status;

    /// <summary>Completes when the loop stops; faults with the storage or state machine error that stopped it.</summary>
    public Task Completion => _loop;

    public void Start()
    {
        _loop = Task.Factory.StartNew(RunAsync, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default).Unwrap();
        if (_options.TickInterval != Timeout.InfiniteTimeSpan)
        {
            _timer = _options.TimeProvider.CreateTimer(_ => Tick(), null, _options.TickInterval, _options.TickInterval);
        }
    }

    /// <summary>Advances raft time by one tick (the timer calls this; tests may too).</summary>
    public void Tick() => _commands.Writer.TryWrite(Command.TickCommand);

    /// <summary>Delivers a message from a peer.</summary>
    public void Receive(Message message)
    {
        ArgumentNullException.ThrowIfNull(message);
        _commands.Writer.TryWrite(new Command(CommandKind.Message, message, null, null, 0));
    }

    /// <summary>Replicates <paramref name="payload"/> and returns the state machine's result once it is applied here.</summary>
    /// <exception cref="RaftNotLeaderException">This node does not lead; nothing was proposed.</exception>
    /// <exception cref="RaftLeadershipLostException">Leadership changed before the entry was applied; outcome unknown.</exception>
    public Task<object?> ProposeAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var completion = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_commands.Writer.TryWrite(new Command(CommandKind.Propose, null, payload, completion, 0)))
        {
            completion.SetException(new ObjectDisposedException(nameof(RaftDriver)));
        }

        return completion.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Waits until a read on the local state machine is linearizable; returns the read index reached.</summary>
    /// <exception cref="RaftNotLeaderException">No leader is known.</exception>
    /// <exception cref="RaftLeadershipLostException">The leader changed before the read index was confirmed.</exception>
    public Task<ulong> ReadIndexAsync(CancellationToken cancellationToken = default)
    {
        var completion = new TaskCompletionSource<object?>(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_commands.Writer.TryWrite(new Command(CommandKind.ReadIndex, null, null, completion, 0)))
        {
            completion.SetException(new ObjectDisposedException(nameof(RaftDriver)));
        }

        return AwaitReadIndex(completion.Task.WaitAsync(cancellationToken));

        static async Task<ulong> AwaitReadIndex(Task<object?> read) => (ulong)(await read.ConfigureAwait(false))!;
    }

    /// <summary>Asks for leadership to move to <paramref name="target"/> (a planned restart of this node).</summary>
    public void TransferLeadership(ulong target) => _commands.Writer.TryWrite(new Command(CommandKind.Transfer, null, null, null, target));

    /// <summary>Starts an election on this node now.</summary>
    public void Campaign() => _commands.Writer.TryWrite(new Command(CommandKind.Campaign, null, null, null, 0));

    public async ValueTask DisposeAsync()
    {
        if (_timer is not null)
        {
            await _timer.DisposeAsync().ConfigureAwait(false);
        }

        _commands.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception error) when (error is OperationCanceledException or RaftException or IOException or InvalidOperationException)
        {
            // Already reported through Completion.
        }

        _stopping.Dispose();
    }

    private enum CommandKind : byte
    {
        Tick,
        Message,
        Propose,
        ReadIndex,
        Transfer,
        Campaign,
    }

    private readonly record struct Command(CommandKind Kind, Message? Message, byte[]? Payload, TaskCompletionSource<object?>? Completion, ulong Target)
    {
        public static Command TickCommand { get; } = new(CommandKind.Tick, null, null, null, 0);
    }
}

/// <summary>What a driver last observed, readable from any thread.</summary>
public sealed record RaftStatusSummary(ulong Id, ulong Leader, ulong Term, RaftRole Role, ulong Committed, ulong Applied);
