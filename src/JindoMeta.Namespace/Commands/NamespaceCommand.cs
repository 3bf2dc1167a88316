using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Commands;

/// <summary>
/// A state-changing namespace operation. Commands hold only what the caller chose; the time is given by
/// whoever orders commands (so replaying a command anywhere gives the same result) and new inode ids come
/// from the counter in the state.
/// </summary>
public abstract record NamespaceCommand(CallerIdentity Caller);

/// <summary>mkdir (CreateParent=false) or mkdir -p. Permission is masked by Umask; 0755 and 022 give 0755.</summary>
public sealed record MkdirsCommand(CallerIdentity Caller, string Path, ushort Permission, bool CreateParent, ushort Umask = 0b000_010_010)
    : NamespaceCommand(Caller);

/// <summary>Create a file, left under construction until <see cref="CompleteFileCommand"/>.</summary>
public sealed record CreateFileCommand(
    CallerIdentity Caller,
    string Path,
    ushort Permission,
    bool Overwrite,
    bool CreateParent,
    short Replication,
    long BlockSize,
    ushort Umask = 0b000_010_010) : NamespaceCommand(Caller);

/// <summary>Close a file being written: its final length and block list.</summary>
public sealed record CompleteFileCommand(CallerIdentity Caller, string Path, long Length, IReadOnlyList<BlockInfo> Blocks)
    : NamespaceCommand(Caller);

/// <summary>Delete a file or directory; a non-empty directory needs Recursive.</summary>
public sealed record DeleteCommand(CallerIdentity Caller, string Path, bool Recursive) : NamespaceCommand(Caller);

/// <summary>
/// Rename. Without Overwrite: HDFS FileSystem.rename (an existing directory destination receives the source
/// under its own name; an existing file destination is an error). With Overwrite: HDFS rename with
/// Options.Rename.OVERWRITE (the destination is the exact new path; an existing file, or an empty directory
/// when the source is a directory, is replaced).
/// </summary>
public sealed record RenameCommand(CallerIdentity Caller, string Source, string Destination, bool Overwrite)
    : NamespaceCommand(Caller);

public sealed record SetPermissionCommand(CallerIdentity Caller, string Path, ushort Permission) : NamespaceCommand(Caller);

/// <summary>chown: a null Owner or Group is left unchanged.</summary>
public sealed record SetOwnerCommand(CallerIdentity Caller, string Path, string? Owner, string? Group) : NamespaceCommand(Caller);

/// <summary>Set times in ms since the epoch; -1 leaves a time unchanged (HDFS setTimes).</summary>
public sealed record SetTimesCommand(CallerIdentity Caller, string Path, long ModificationTime, long AccessTime)
    : NamespaceCommand(Caller);

/// <summary>
/// Reopen a closed file for append (HDFS append): it is under construction again, keeping its blocks, and the
/// next complete must list them first. New data goes to new blocks (blocks are immutable objects).
/// </summary>
public sealed record AppendFileCommand(CallerIdentity Caller, string Path) : NamespaceCommand(Caller);

/// <summary>
/// Lease recovery after its writer went away: a file that was being created is removed (it never had content
/// visible to readers), one reopened for append is closed with the blocks it had. FileId guards against a file
/// created at the path since; anything but that file under construction is left alone.
/// </summary>
public sealed record RecoverLeaseCommand(CallerIdentity Caller, string Path, long FileId) : NamespaceCommand(Caller);

/// <summary>setReplication of a file (recorded: the object store keeps its own copies).</summary>
public sealed record SetReplicationCommand(CallerIdentity Caller, string Path, short Replication) : NamespaceCommand(Caller);
