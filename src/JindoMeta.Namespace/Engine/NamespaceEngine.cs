using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

/// <summary>
/// Every rule of the filesystem, as a pure function of (state, command, time): the same in every backend.
/// It reads through <see cref="INamespaceState"/>, never does I/O of its own, and reports changes as
/// <see cref="StateEffect"/>s for the backend to make durable.
/// </summary>
public sealed partial class NamespaceEngine(PermissionSettings permissions)
{
    public const int MaxListLimit = 10_000;
    public const short MaxReplication = 512;
    public const long MinBlockSize = 1024 * 1024;
    public const int MaxBlocksPerFile = 10_000;

    public PermissionSettings Permissions { get; } = permissions;

    /// <summary>The effects that create an empty namespace: the root directory, owned by the superuser.</summary>
    public IReadOnlyList<StateEffect> FormatEffects(long timestampMs) =>
    [
        new PutEntry(NamespaceSchema.RootParentId, NamespaceSchema.RootName, new InodeRecord
        {
            Id = NamespaceSchema.RootInodeId,
            Type = InodeType.Directory,
            Permission = 0x1ED, // octal 755, as HDFS formats its root
            Owner = Permissions.SuperUser,
            Group = Permissions.SuperGroup,
            ModificationTime = timestampMs,
            AccessTime = 0,
        }),
        new SetNextInodeId(NamespaceSchema.RootInodeId + 1),
    ];

    /// <summary>
    /// Runs one command against <paramref name="state"/>. On success the outcome carries the effects to
    /// commit; on failure it carries the error and no effects, and nothing was changed.
    /// </summary>
    public CommandOutcome Execute(INamespaceState state, NamespaceCommand command, long timestampMs)
    {
        var overlay = new OverlayState(state);
        var result = command switch
        {
            MkdirsCommand c => Mkdirs(overlay, c, timestampMs),
            CreateFileCommand c => CreateFile(overlay, c, timestampMs),
            CompleteFileCommand c => CompleteFile(overlay, c, timestampMs),
            DeleteCommand c => Delete(overlay, c, timestampMs),
            RenameCommand c => Rename(overlay, c, timestampMs),
            SetPermissionCommand c => SetPermission(overlay, c),
            SetOwnerCommand c => SetOwner(overlay, c),
            SetTimesCommand c => SetTimes(overlay, c),
            AppendFileCommand c => AppendFile(overlay, c, timestampMs),
            RecoverLeaseCommand c => RecoverLease(overlay, c, timestampMs),
            SetReplicationCommand c => SetReplication(overlay, c),
            _ => Result<FileStatus?>.Fail(NamespaceError.InvalidArgument($"Unknown command {command.GetType().Name}")),
        };
        return result.IsOk
            ? new CommandOutcome(null, result.Value, [.. overlay.Effects])
            : new CommandOutcome(result.Error, null, []);
    }

    private static Result<ResolvedPath> Resolve(INamespaceState state, string path)
    {
        var parsed = PathRules.Parse(path);
        return parsed.IsOk ? Result<ResolvedPath>.Ok(ResolvedPath.Walk(state, path, parsed.Value)) : parsed.Error!;
    }

    /// <summary>Execute permission on every existing ancestor of the last component (HDFS checkTraverse).</summary>
    private NamespaceError? CheckTraverse(ResolvedPath resolved, CallerIdentity caller)
    {
        if (Permissions.IsSuperUser(caller))
        {
            return null;
        }

        var last = Math.Min(resolved.Depth - 1, resolved.LastExistingIndex);
        for (var i = 0; i <= last; i++)
        {
            var inode = resolved.Inodes[i]!;
            if (!inode.IsDirectory)
            {
                break;
            }

            if (!FsPermission.Grants(inode, caller, FsAction.Execute))
            {
                return Denied(caller, FsAction.Execute, resolved.PrefixPath(i), inode);
            }
        }

        return null;
    }

    private NamespaceError? CheckAccess(InodeRecord inode, string path, CallerIdentity caller, FsAction access) =>
        Permissions.IsSuperUser(caller) || FsPermission.Grants(inode, caller, access) ? null : Denied(caller, access, path, inode);

    /// <summary>With the sticky bit on a directory, only the owner of a child or of the directory may remove it.</summary>
    private NamespaceError? CheckStickyBit(InodeRecord parent, InodeRecord child, string childPath, CallerIdentity caller)
    {
        if ((parent.Permission & FsPermission.StickyBit) == 0 || Permissions.IsSuperUser(caller) ||
            caller.User == parent.Owner || caller.User == child.Owner)
        {
            return null;
        }

        return new NamespaceError(ErrorCode.AccessDenied,
            $"Permission denied by sticky bit: user={caller.User}, path=\"{childPath}\":{Describe(child)}, " +
            $"parent=\"{PathRules.ParentOf(childPath)}\":{Describe(parent)}");
    }

    private NamespaceError? CheckOwner(InodeRecord inode, string path, CallerIdentity caller) =>
        Permissions.IsSuperUser(caller) || caller.User == inode.Owner
            ? null
            : new NamespaceError(ErrorCode.AccessDenied, $"Permission denied. user={caller.User} is not the owner of inode={path}");

    private static NamespaceError Denied(CallerIdentity caller, FsAction access, string path, InodeRecord inode) =>
        NamespaceError.AccessDenied(caller.User, FsPermission.Describe(access), path, Describe(inode));

    private static string Describe(InodeRecord inode) =>
        $"{inode.Owner}:{inode.Group}:{FsPermission.ToSymbolic(inode.Type, inode.Permission)}";

    /// <summary>Rewrites the dentry at Inodes[index] with a new modification time (a child was added or removed).</summary>
    private static void Touch(OverlayState state, ResolvedPath resolved, int index, long timestampMs)
    {
        var (parentId, name) = resolved.KeyOf(index);
        var current = state.Get(parentId, name)!;
        if (current.ModificationTime != timestampMs)
        {
            state.Put(parentId, name, current with { ModificationTime = timestampMs });
        }
    }
}
