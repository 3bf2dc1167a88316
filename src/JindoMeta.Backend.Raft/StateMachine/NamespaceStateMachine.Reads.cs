using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.State;

namespace JindoMeta.Backend.Raft.StateMachine;

public sealed partial class NamespaceStateMachine
{
    public Result<FileStatus> GetFileInfo(string path, CallerIdentity caller) =>
        Read((path, caller), static (engine, state, arguments) => engine.GetFileInfo(state, arguments.path, arguments.caller));

    public Result<DirectoryListing> ListStatus(string path, string? startAfter, int limit, CallerIdentity caller) =>
        Read((path, startAfter, limit, caller),
            static (engine, state, arguments) => engine.ListStatus(state, arguments.path, arguments.startAfter, arguments.limit, arguments.caller));

    public Result<ContentSummary> GetContentSummary(string path, CallerIdentity caller) =>
        Read((path, caller), static (engine, state, arguments) => engine.GetContentSummary(state, arguments.path, arguments.caller));

    /// <summary>
    /// Runs an engine read at a RocksDB snapshot of the applied state: every row it sees is from the same applied
    /// index (at least the one applied when the call began; the raft backend waits for its read index first).
    /// The argument is passed through so callers need not allocate a closure.
    /// </summary>
    /// <remarks>Any thread. The read must finish within <paramref name="read"/> (enumerate, do not return the state).</remarks>
    public TResult Read<TArgument, TResult>(TArgument argument, Func<NamespaceEngine, INamespaceState, TArgument, TResult> read)
    {
        ArgumentNullException.ThrowIfNull(read);
        _storeLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            using var snapshot = _store.Database.CreateSnapshot();
            return read(_engine, new RocksDbNamespaceState(_store, snapshot), argument);
        }
        finally
        {
            _storeLock.ExitReadLock();
        }
    }

    /// <summary>Change-feed entries from <paramref name="fromIndex"/> on (for the async uploader, on whichever node runs it).</summary>
    public IReadOnlyList<ChangeEntry> ReadChanges(long fromIndex, int maxEntries) => UnderReadLock(feed => feed.Read(fromIndex, maxEntries));

    /// <summary>How many call outcomes the retry cache holds (for status and tests).</summary>
    public long RetryCacheEntries => UnderReadLock(_ => _store.ReadInt64(JindoMeta.Namespace.Schema.NamespaceSchema.MetaKeys.RetryCacheEntries) ?? 0);

    /// <summary>The checksum of the applied state (see <see cref="StateChecksum"/>), at one consistent point.</summary>
    public StateChecksum ComputeChecksum(bool includeAppliedIndex = true) => UnderReadLock(_ => StateChecksum.Compute(_store, includeAppliedIndex));

    private TResult UnderReadLock<TResult>(Func<RocksDbChangeFeed, TResult> action)
    {
        _storeLock.EnterReadLock();
        try
        {
            ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
            return action(_changeFeed);
        }
        finally
        {
            _storeLock.ExitReadLock();
        }
    }
}
