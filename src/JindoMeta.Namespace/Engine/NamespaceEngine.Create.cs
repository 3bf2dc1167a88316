using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

public sealed partial class NamespaceEngine
{
    private const ushort OwnerWriteExecute = 0xC0; // octal 300: HDFS adds u+wx to parents it creates implicitly

    private Result<FileStatus?> Mkdirs(OverlayState state, MkdirsCommand command, long timestampMs)
    {
        var resolvedOrError = Resolve(state, command.Path);
        if (!resolvedOrError.IsOk)
        {
            return resolvedOrError.Error!;
        }

        var resolved = resolvedOrError.Value;
        if (ValidatePermission(command.Permission, command.Umask) is { } badPermission)
        {
            return badPermission;
        }

        if (resolved.Last is { } existing)
        {
            if (CheckTraverse(resolved, command.Caller) is { } denied)
            {
                return denied;
            }

            if (!existing.IsDirectory)
            {
                return new NamespaceError(ErrorCode.FileAlreadyExists, $"{command.Path}: Path is not a directory (a file exists)");
            }

            return command.CreateParent ? new FileStatus(command.Path, existing) : NamespaceError.AlreadyExists(command.Path);
        }

        var masked = (ushort)(command.Permission & ~command.Umask & FsPermission.Mask);
        var created = CreateMissingDirectories(state, resolved, command.Caller, command.CreateParent, masked, timestampMs);
        return created.IsOk ? new FileStatus(command.Path, created.Value) : created.Error!;
    }

    private Result<FileStatus?> CreateFile(OverlayState state, CreateFileCommand command, long timestampMs)
    {
        var resolvedOrError = Resolve(state, command.Path);
        if (!resolvedOrError.IsOk)
        {
            return resolvedOrError.Error!;
        }

        var resolved = resolvedOrError.Value;
        if (ValidatePermission(command.Permission, command.Umask) is { } badPermission)
        {
            return badPermission;
        }

        if (command.Replication is < 1 or > MaxReplication)
        {
            return NamespaceError.InvalidArgument($"Requested replication {command.Replication} is out of range [1, {MaxReplication}] for {command.Path}");
        }

        if (command.BlockSize < MinBlockSize || command.BlockSize % 512 != 0)
        {
            return NamespaceError.InvalidArgument(
                $"Specified block size {command.BlockSize} for {command.Path} is invalid: it must be at least {MinBlockSize} and a multiple of 512");
        }

        if (resolved.IsRoot || resolved.Last is { IsDirectory: true })
        {
            // Traverse first (as HDFS resolvePath does): a caller who may not look into the parent learns nothing.
            return CheckTraverse(resolved, command.Caller) ??
                new NamespaceError(ErrorCode.FileAlreadyExists, $"{command.Path}: already exists as a directory");
        }

        var masked = (ushort)(command.Permission & ~command.Umask & FsPermission.Mask);
        if (resolved.Last is { } existingFile)
        {
            if ((CheckTraverse(resolved, command.Caller) ?? CheckAccess(resolved.Parent!, resolved.PrefixPath(resolved.Depth - 1), command.Caller, FsAction.Write)) is { } denied)
            {
                return denied;
            }

            if (!command.Overwrite)
            {
                return NamespaceError.AlreadyExists(command.Path);
            }

            if (CheckAccess(existingFile, command.Path, command.Caller, FsAction.Write) is { } cannotOverwrite)
            {
                return cannotOverwrite;
            }
        }

        // HDFS (FSDirMkdirOp.createAncestorDirectories) gives parents made by create the nearest existing
        // ancestor's rwx bits plus u+wx; the umask and the file's own mode do not apply to them.
        var ancestor = resolved.Inodes[Math.Min(resolved.LastExistingIndex, resolved.Depth - 1)]!;
        var parentMask = (ushort)((ancestor.Permission & ~FsPermission.StickyBit) | OwnerWriteExecute);
        var file = new InodeRecord
        {
            Id = 0, // assigned below, after the parents
            Type = InodeType.File,
            Permission = masked,
            Owner = command.Caller.User,
            Group = "",
            ModificationTime = timestampMs,
            AccessTime = timestampMs,
            Replication = command.Replication,
            BlockSize = command.BlockSize,
            UnderConstruction = true,
        };
        var created = CreateMissingEntries(state, resolved, command.Caller, command.CreateParent, parentMask, file, timestampMs);
        return created.IsOk ? new FileStatus(command.Path, created.Value) : created.Error!;
    }

    private Result<FileStatus?> CompleteFile(OverlayState state, CompleteFileCommand command, long timestampMs)
    {
        var found = ResolveExisting(state, command.Path, command.Caller);
        if (!found.IsOk)
        {
            return found.Error!;
        }

        var resolved = found.Value;
        var file = resolved.Last!;
        if (file.IsDirectory)
        {
            return NamespaceError.IsDirectory(command.Path);
        }

        if (ValidateBlocks(command) is { } badBlocks)
        {
            return badBlocks;
        }

        if (!file.UnderConstruction)
        {
            // A retried complete (the client did not see the first answer) succeeds; anything else is an error.
            return file.Length == command.Length && file.Blocks.SequenceEqual(command.Blocks)
                ? new FileStatus(command.Path, file)
                : new NamespaceError(ErrorCode.FileNotUnderConstruction, $"{command.Path}: File is not under construction (already closed)");
        }

        if (file.ReopenedForAppend && !StartsWith(command.Blocks, file.Blocks))
        {
            return NamespaceError.InvalidArgument($"The blocks of {command.Path} must begin with the {file.Blocks.Count} blocks it had when it was opened for append");
        }

        foreach (var block in command.Blocks)
        {
            if (block.NumBytes > file.BlockSize)
            {
                return NamespaceError.InvalidArgument($"Block {block.BlockId} of {command.Path} has {block.NumBytes} bytes, more than the block size {file.BlockSize}");
            }
        }

        var closed = file with
        {
            Length = command.Length,
            Blocks = [.. command.Blocks],
            UnderConstruction = false,
            ReopenedForAppend = false,
            ModificationTime = timestampMs,
        };
        var (parentId, name) = resolved.KeyOf(resolved.Depth);
        state.Put(parentId, name, closed);
        return new FileStatus(command.Path, closed);
    }

    private static bool StartsWith(IReadOnlyList<BlockInfo> blocks, IReadOnlyList<BlockInfo> prefix)
    {
        if (blocks.Count < prefix.Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (blocks[i] != prefix[i])
            {
                return false;
            }
        }

        return true;
    }

    private static NamespaceError? ValidateBlocks(CompleteFileCommand command)
    {
        if (command.Length < 0)
        {
            return NamespaceError.InvalidArgument($"Length {command.Length} of {command.Path} is negative");
        }

        if (command.Blocks.Count > MaxBlocksPerFile)
        {
            return NamespaceError.InvalidArgument($"{command.Path} has {command.Blocks.Count} blocks, more than the limit {MaxBlocksPerFile}");
        }

        long total = 0;
        foreach (var block in command.Blocks)
        {
            if (block.NumBytes < 0)
            {
                return NamespaceError.InvalidArgument($"Block {block.BlockId} of {command.Path} has a negative length {block.NumBytes}");
            }

            total += block.NumBytes;
        }

        return total == command.Length
            ? null
            : NamespaceError.InvalidArgument($"The blocks of {command.Path} hold {total} bytes but its length is {command.Length}");
    }

    private static NamespaceError? ValidatePermission(ushort permission, ushort umask) =>
        permission > FsPermission.Mask || umask > 0x1FF
            ? NamespaceError.InvalidArgument($"Permission {FsPermission.ToOctal(permission)} or umask {FsPermission.ToOctal(umask)} is out of range (at most 1777 and 777)")
            : null;

    /// <summary>
    /// Creates every missing directory of <paramref name="resolved"/>; the last gets <paramref name="permission"/>
    /// (already masked by the umask), the implicit parents that plus u+wx.
    /// </summary>
    private Result<InodeRecord> CreateMissingDirectories(
        OverlayState state, ResolvedPath resolved, CallerIdentity caller, bool createParent, ushort permission, long timestampMs)
    {
        var directory = new InodeRecord
        {
            Id = 0,
            Type = InodeType.Directory,
            Permission = permission,
            Owner = caller.User,
            Group = "",
            ModificationTime = timestampMs,
            AccessTime = 0,
        };
        // HDFS (FSDirMkdirOp.addImplicitUwx) gives implicit parents the rwx bits plus u+wx, without the sticky bit.
        var parentPermission = (ushort)((permission & ~FsPermission.StickyBit) | OwnerWriteExecute);
        return CreateMissingEntries(state, resolved, caller, createParent, parentPermission, directory, timestampMs);
    }

    /// <summary>
    /// Checks access, then creates the missing parents of <paramref name="resolved"/> (if allowed) and the last
    /// component as <paramref name="template"/>, which gets a new id and its parent's group (HDFS inherits it).
    /// </summary>
    private Result<InodeRecord> CreateMissingEntries(
        OverlayState state, ResolvedPath resolved, CallerIdentity caller, bool createParent, ushort parentPermission,
        InodeRecord template, long timestampMs)
    {
        if (resolved.BlockedByFileAt >= 0)
        {
            var filePath = resolved.PrefixPath(resolved.BlockedByFileAt);
            return CheckTraverse(resolved, caller) ?? NamespaceError.ParentNotDirectory(filePath);
        }

        var existing = resolved.LastExistingIndex;
        if (existing == resolved.Depth)
        {
            existing--; // the last component exists and is being replaced (create with overwrite)
        }

        if ((CheckTraverse(resolved, caller) ?? CheckAccess(resolved.Inodes[existing]!, resolved.PrefixPath(existing), caller, FsAction.Write)) is { } denied)
        {
            return denied;
        }

        if (existing < resolved.Depth - 1 && !createParent)
        {
            return NamespaceError.NotFound(resolved.PrefixPath(resolved.Depth - 1));
        }

        Touch(state, resolved, existing, timestampMs);
        var parent = resolved.Inodes[existing]!;
        for (var i = existing; i < resolved.Depth; i++)
        {
            var isLast = i == resolved.Depth - 1;
            var entry = isLast
                ? template with { Id = state.AllocateInodeId(), Group = parent.Group }
                : new InodeRecord
                {
                    Id = state.AllocateInodeId(),
                    Type = InodeType.Directory,
                    Permission = parentPermission,
                    Owner = caller.User,
                    Group = parent.Group,
                    ModificationTime = timestampMs,
                    AccessTime = 0,
                };
            state.Put(parent.Id, resolved.Components[i], entry);
            parent = entry;
        }

        return parent;
    }

    /// <summary>Resolves a path that must exist, checking traverse permission on the way.</summary>
    private Result<ResolvedPath> ResolveExisting(INamespaceState state, string path, CallerIdentity caller)
    {
        var resolvedOrError = Resolve(state, path);
        if (!resolvedOrError.IsOk)
        {
            return resolvedOrError;
        }

        var resolved = resolvedOrError.Value;
        if (CheckTraverse(resolved, caller) is { } denied)
        {
            return denied;
        }

        return resolved.Last is null ? NamespaceError.NotFound(path) : resolved;
    }
}
