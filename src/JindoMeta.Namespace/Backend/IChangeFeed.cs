using JindoMeta.Namespace.Schema;

namespace JindoMeta.Namespace.Backend;

/// <summary>
/// Committed changes in commit order, each with an index one above the previous; what the async uploader
/// streams to Tablestore. Entries stay until trimmed.
/// </summary>
public interface IChangeFeed
{
    /// <summary>Index of the newest committed entry (0 when none was ever committed).</summary>
    long LastIndex { get; }

    /// <summary>Index of the oldest entry still kept (LastIndex + 1 when the feed is empty).</summary>
    long FirstIndex { get; }

    /// <summary>Up to <paramref name="maxEntries"/> entries from <paramref name="fromIndex"/> on, in order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">fromIndex was trimmed already.</exception>
    IReadOnlyList<ChangeEntry> Read(long fromIndex, int maxEntries);

    /// <summary>
    /// Forgets every entry up to and including <paramref name="throughIndex"/>. A replicated backend (raft) trims
    /// every node's feed through its log, so the entries may go a moment after the call returns.
    /// </summary>
    void Trim(long throughIndex);
}
