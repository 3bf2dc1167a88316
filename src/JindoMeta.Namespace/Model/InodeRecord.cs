namespace JindoMeta.Namespace.Model;

/// <summary>
/// Everything the namespace keeps about one file or directory: the value of its dentry row
/// (keyed by parent id + name, see <see cref="Schema.NamespaceSchema"/>).
/// </summary>
public sealed record InodeRecord
{
    public required long Id { get; init; }
    public required InodeType Type { get; init; }

    /// <summary>Permission bits including the sticky bit (octal 1777 at most).</summary>
    public required ushort Permission { get; init; }
    public required string Owner { get; init; }
    public required string Group { get; init; }

    /// <summary>Milliseconds since the Unix epoch, as HDFS reports them.</summary>
    public required long ModificationTime { get; init; }
    public required long AccessTime { get; init; }

    public long Length { get; init; }
    public short Replication { get; init; }
    public long BlockSize { get; init; }

    /// <summary>True from create until complete: the file is being written.</summary>
    public bool UnderConstruction { get; init; }

    /// <summary>
    /// Under construction because it was reopened for append (it was closed before), so lease recovery closes it
    /// with its blocks instead of removing it.
    /// </summary>
    public bool ReopenedForAppend { get; init; }
    public IReadOnlyList<BlockInfo> Blocks { get; init; } = [];

    public bool IsDirectory => Type == InodeType.Directory;

    public bool Equals(InodeRecord? other) =>
        other is not null && Id == other.Id && Type == other.Type && Permission == other.Permission &&
        Owner == other.Owner && Group == other.Group && ModificationTime == other.ModificationTime &&
        AccessTime == other.AccessTime && Length == other.Length && Replication == other.Replication &&
        BlockSize == other.BlockSize && UnderConstruction == other.UnderConstruction &&
        ReopenedForAppend == other.ReopenedForAppend && Blocks.SequenceEqual(other.Blocks);

    public override int GetHashCode() => HashCode.Combine(Id, Type, Permission, ModificationTime, Length);
}
