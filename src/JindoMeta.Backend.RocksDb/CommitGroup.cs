using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.State;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// One group commit's worth of state, reused: the commands, the overlay their effects live in until the group
/// is durable, the rows and the WriteBatch. The writer keeps two: one being executed, one being flushed.
/// </summary>
internal sealed class CommitGroup(INamespaceState initialBase) : IDisposable
{
    public List<PendingCommand> Commands { get; } = [];
    public OverlayState Overlay { get; } = new(initialBase);
    public GroupRows Rows { get; } = new();
    public WriteBatch Batch { get; } = new();

    /// <summary>Index of the last change-feed entry in this group (equal to the previous group's when none).</summary>
    public long LastChangeIndex { get; set; }

    /// <summary>The retry cache's mark after this group's calls were recorded (<see cref="RetryCache.Written"/> once durable).</summary>
    public long RetryMark { get; set; }

    /// <summary>Set by the flusher once the group is durable and answered (or failed).</summary>
    public ManualResetEventSlim Flushed { get; } = new(true, spinCount: 0);

    public void Reset(INamespaceState newBase)
    {
        Commands.Clear();
        Overlay.Clear();
        Overlay.Rebase(newBase);
        Rows.Clear();
        Batch.Clear();
    }

    public void Dispose()
    {
        Batch.Dispose();
        Flushed.Dispose();
    }
}

/// <summary>A queued command and the answer its submitter awaits.</summary>
internal sealed class PendingCommand(NamespaceCommand command, ClientCallId call)
{
    public NamespaceCommand Command { get; } = command;

    /// <summary>The client call it is (for the retry cache), or <see cref="ClientCallId.None"/>.</summary>
    public ClientCallId Call { get; } = call;

    // Answers run on the thread pool: the writer threads never run callers' continuations.
    public TaskCompletionSource<Result<FileStatus?>> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public Result<FileStatus?> Result { get; set; }
}
