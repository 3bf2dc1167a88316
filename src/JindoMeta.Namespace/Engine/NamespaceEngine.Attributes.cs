using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

public sealed partial class NamespaceEngine
{
    public const int MaxPrincipalLength = 255;

    private Result<FileStatus?> SetPermission(OverlayState state, SetPermissionCommand command)
    {
        if (command.Permission > FsPermission.Mask)
        {
            return NamespaceError.InvalidArgument($"Permission {FsPermission.ToOctal(command.Permission)} for {command.Path} is out of range (at most 1777)");
        }

        return Update(state, command.Path, command.Caller, inode =>
            CheckOwner(inode, command.Path, command.Caller) ??
            Result<InodeRecord>.Ok(inode with { Permission = command.Permission }));
    }

    private Result<FileStatus?> SetOwner(OverlayState state, SetOwnerCommand command)
    {
        if (command.Owner is null && command.Group is null)
        {
            return NamespaceError.InvalidArgument($"setOwner of {command.Path} names neither an owner nor a group");
        }

        if ((CheckPrincipal(command.Owner, "owner") ?? CheckPrincipal(command.Group, "group")) is { } badName)
        {
            return badName;
        }

        return Update(state, command.Path, command.Caller, inode =>
        {
            if (CheckOwner(inode, command.Path, command.Caller) is { } notOwner)
            {
                return notOwner;
            }

            if (!Permissions.IsSuperUser(command.Caller))
            {
                if (command.Owner is not null && command.Owner != command.Caller.User)
                {
                    return new NamespaceError(ErrorCode.AccessDenied,
                        $"User {command.Caller.User} is not a super user (non-super user cannot change owner of {command.Path}).");
                }

                if (command.Group is not null && !command.Caller.IsMemberOf(command.Group))
                {
                    return new NamespaceError(ErrorCode.AccessDenied,
                        $"User {command.Caller.User} does not belong to {command.Group} (cannot change group of {command.Path}).");
                }
            }

            return inode with { Owner = command.Owner ?? inode.Owner, Group = command.Group ?? inode.Group };
        });
    }

    private Result<FileStatus?> SetTimes(OverlayState state, SetTimesCommand command)
    {
        if (command.ModificationTime < -1 || command.AccessTime < -1)
        {
            return NamespaceError.InvalidArgument(
                $"Times for {command.Path} must be milliseconds since the epoch or -1 (unchanged): mtime={command.ModificationTime}, atime={command.AccessTime}");
        }

        return Update(state, command.Path, command.Caller, inode =>
            CheckAccess(inode, command.Path, command.Caller, FsAction.Write) ??
            Result<InodeRecord>.Ok(inode with
            {
                ModificationTime = command.ModificationTime == -1 ? inode.ModificationTime : command.ModificationTime,
                AccessTime = command.AccessTime == -1 ? inode.AccessTime : command.AccessTime,
            }));
    }

    /// <summary>Rewrites the entry at an existing path with what <paramref name="change"/> makes of it.</summary>
    private Result<FileStatus?> Update(OverlayState state, string path, CallerIdentity caller, Func<InodeRecord, Result<InodeRecord>> change)
    {
        var found = ResolveExisting(state, path, caller);
        if (!found.IsOk)
        {
            return found.Error!;
        }

        var resolved = found.Value;
        var changed = change(resolved.Last!);
        if (!changed.IsOk)
        {
            return changed.Error!;
        }

        var (parentId, name) = resolved.KeyOf(resolved.Depth);
        state.Put(parentId, name, changed.Value);
        return new FileStatus(path, changed.Value);
    }

    private static NamespaceError? CheckPrincipal(string? name, string what)
    {
        if (name is null)
        {
            return null;
        }

        if (name.Length == 0 || name.Length > MaxPrincipalLength)
        {
            return NamespaceError.InvalidArgument($"The {what} name must have 1 to {MaxPrincipalLength} characters, got {name.Length}");
        }

        foreach (var c in name)
        {
            if (char.IsWhiteSpace(c) || char.IsControl(c) || c is ':' or '/')
            {
                return NamespaceError.InvalidArgument($"The {what} name \"{name}\" contains a character not allowed in a user or group name (whitespace, control, ':' or '/')");
            }
        }

        return null;
    }
}
