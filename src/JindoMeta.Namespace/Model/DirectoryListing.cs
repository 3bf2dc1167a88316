namespace JindoMeta.Namespace.Model;

/// <summary>One page of a listStatus: entries sorted by name (UTF-8 byte order).</summary>
/// <param name="Entries">At most the requested limit of entries.</param>
/// <param name="HasMore">True when entries after the last one exist: ask again with it as the cursor.</param>
public sealed record DirectoryListing(IReadOnlyList<FileStatus> Entries, bool HasMore)
{
    /// <summary>The start-after cursor for the next page, or null when this is the last page.</summary>
    public string? NextCursor => HasMore && Entries.Count > 0 ? Entries[^1].Name : null;
}
