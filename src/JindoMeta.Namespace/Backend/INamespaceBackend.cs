using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Backend;

/// <summary>
/// One namespace (one jfs://NAME/ tree) as the RPC service sees it. Implementations (rocksdb, raft, ots) differ
/// only in how commands are ordered and made durable; the semantics are <see cref="Engine.NamespaceEngine"/>'s.
/// </summary>
/// <remarks>
/// Thread-safe: any number of callers at once. A successful <see cref="SubmitAsync"/> means the command's
/// effects are durable (on disk, or on a quorum), and every read that starts afterwards sees them.
/// Expected failures come back as <see cref="Result{T}"/> errors; exceptions mean a bug or a broken environment.
/// </remarks>
public interface INamespaceBackend : IAsyncDisposable
{
    /// <summary>"rocksdb", "raft" or "ots".</summary>
    string BackendType { get; }

    /// <summary>
    /// Orders, executes and durably commits one command. The result is the entry's status afterwards (null for
    /// delete). Cancelling abandons the wait only: the command may still be committed.
    /// </summary>
    ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, CancellationToken cancellationToken = default);

    /// <summary>
    /// Whether <see cref="SubmitAsync(NamespaceCommand, ClientCallId, CancellationToken)"/> remembers outcomes: a
    /// second submission with the same <see cref="ClientCallId"/> (within the cache's window) returns the first
    /// one's outcome and changes nothing. The server tells clients so, and only then do they resend a
    /// non-idempotent call whose outcome is unknown.
    /// </summary>
    bool RemembersCalls => false;

    /// <summary>
    /// <see cref="SubmitAsync(NamespaceCommand, CancellationToken)"/> for the call <paramref name="call"/>: a backend
    /// that <see cref="RemembersCalls"/> answers a duplicate with the stored outcome. Others ignore the id.
    /// </summary>
    ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, ClientCallId call, CancellationToken cancellationToken = default) =>
        SubmitAsync(command, cancellationToken);

    ValueTask<Result<FileStatus>> GetFileInfoAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default);

    /// <summary>One page of a directory listing: names after <paramref name="startAfter"/>, at most <paramref name="limit"/>.</summary>
    ValueTask<Result<DirectoryListing>> ListStatusAsync(string path, string? startAfter, int limit, CallerIdentity caller, CancellationToken cancellationToken = default);

    ValueTask<Result<ContentSummary>> GetContentSummaryAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default);

    /// <summary>Role, state and progress of this node, for `jindo jfs -metaStatus` and the health service.</summary>
    BackendStatus GetStatus();

    /// <summary>
    /// Raised (on any thread) when <see cref="BackendStatus.Serving"/> may have changed: raft gained or lost a
    /// leader, recovery began or finished, or a storage failure stopped the writer. The server then re-reads
    /// <see cref="GetStatus"/> and reports NOT_SERVING through gRPC health while the node cannot take writes.
    /// </summary>
    event EventHandler? ServingChanged;
}
