using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Tests.Reference;

public sealed partial class ReferenceNamespace
{
    public const short MaxReplication = 512;
    public const long MinBlockSize = 1024 * 1024;
    public const int MaxBlocksPerFile = 10_000;
    public const int MaxPrincipalLength = 255;
    private const ushort ImplicitUserWriteExecute = 0xC0; // octal 300: mkdir -p parents stay usable by their creator

    private Result<FileStatus?> Mkdirs(MkdirsCommand c, long timeMs)
    {
        var parsed = ReferencePath.Parse(c.Path);
        if (!parsed.IsOk)
        {
            return parsed.Error!;
        }

        if (c.Permission > Octal(1777) || c.Umask > Octal(777))
        {
            return Error(ErrorCode.InvalidArgument);
        }

        if (Traverse(parsed.Value, c.Caller, ErrorCode.ParentNotDirectory) is { } denied)
        {
            return denied;
        }

        if (_nodes.TryGetValue(c.Path, out var existing))
        {
            return existing.IsDirectory && c.CreateParent ? Status(c.Path) : Error(ErrorCode.FileAlreadyExists);
        }

        var ancestor = DeepestExistingAncestor(c.Path);
        if (!Can(_nodes[ancestor], c.Caller, FsAction.Write))
        {
            return Denied();
        }

        if (!c.CreateParent && ancestor != ReferencePath.Parent(c.Path))
        {
            return NotFound(c.Path);
        }

        var permission = (ushort)(c.Permission & ~c.Umask);
        CreateDirectories(ancestor, c.Path, permission, (ushort)((permission & Octal(777)) | ImplicitUserWriteExecute), c.Caller, timeMs);
        return Status(c.Path);
    }

    private Result<FileStatus?> Create(CreateFileCommand c, long timeMs)
    {
        var parsed = ReferencePath.Parse(c.Path);
        if (!parsed.IsOk)
        {
            return parsed.Error!;
        }

        if (c.Permission > Octal(1777) || c.Umask > Octal(777) || c.Replication < 1 || c.Replication > MaxReplication ||
            c.BlockSize < MinBlockSize || c.BlockSize % 512 != 0)
        {
            return Error(ErrorCode.InvalidArgument);
        }

        if (Traverse(parsed.Value, c.Caller, ErrorCode.ParentNotDirectory) is { } denied)
        {
            return denied;
        }

        _nodes.TryGetValue(c.Path, out var existing);
        if (existing is { IsDirectory: true })
        {
            return Error(ErrorCode.FileAlreadyExists);
        }

        if (existing is not null && c.Overwrite && !Can(existing, c.Caller, FsAction.Write))
        {
            return Denied();
        }

        var ancestor = DeepestExistingAncestor(c.Path);
        if (!Can(_nodes[ancestor], c.Caller, FsAction.Write))
        {
            return Denied();
        }

        if (!c.CreateParent && ancestor != ReferencePath.Parent(c.Path))
        {
            return NotFound(c.Path);
        }

        if (existing is not null && !c.Overwrite)
        {
            return Error(ErrorCode.FileAlreadyExists);
        }

        // HDFS: parents made by create inherit the permission of the nearest existing ancestor, plus u+wx.
        var implicitPermission = (ushort)((_nodes[ancestor].Permission & Octal(777)) | ImplicitUserWriteExecute);
        var parent = ReferencePath.Parent(c.Path);
        if (parent != ancestor)
        {
            CreateDirectories(ancestor, parent, implicitPermission, implicitPermission, c.Caller, timeMs);
        }

        _nodes[c.Path] = new InodeRecord
        {
            Id = _nextId++,
            Type = InodeType.File,
            Permission = (ushort)(c.Permission & ~c.Umask),
            Owner = c.Caller.User,
            Group = _nodes[parent].Group,
            ModificationTime = timeMs,
            AccessTime = timeMs,
            Replication = c.Replication,
            BlockSize = c.BlockSize,
            UnderConstruction = true,
        };
        Touch(parent, timeMs);
        return Status(c.Path);
    }

    /// <summary>Creates every directory from below <paramref name="ancestor"/> down to <paramref name="target"/>.</summary>
    private void CreateDirectories(string ancestor, string target, ushort permission, ushort implicitPermission, CallerIdentity caller, long timeMs)
    {
        var missing = new List<string>();
        for (var path = target; path != ancestor; path = ReferencePath.Parent(path))
        {
            missing.Insert(0, path);
        }

        Touch(ancestor, timeMs);
        foreach (var path in missing)
        {
            _nodes[path] = new InodeRecord
            {
                Id = _nextId++,
                Type = InodeType.Directory,
                Permission = path == target ? permission : implicitPermission,
                Owner = caller.User,
                Group = _nodes[ReferencePath.Parent(path)].Group,
                ModificationTime = timeMs,
                AccessTime = 0,
            };
        }
    }

    private Result<FileStatus?> Complete(CompleteFileCommand c, long timeMs)
    {
        if (Existing(c.Path, c.Caller) is { IsOk: false } failed)
        {
            return failed.Error!;
        }

        var file = _nodes[c.Path];
        if (file.IsDirectory)
        {
            return Error(ErrorCode.IsDirectory);
        }

        // Arguments that are wrong whatever the state come first; then the retry rule; then the block size.
        if (c.Length < 0 || c.Blocks.Count > MaxBlocksPerFile || c.Blocks.Any(b => b.NumBytes < 0) || c.Blocks.Sum(b => b.NumBytes) != c.Length)
        {
            return Error(ErrorCode.InvalidArgument);
        }

        if (!file.UnderConstruction)
        {
            // A retried complete (same length and blocks) succeeds again; anything else is a second close.
            return file.Length == c.Length && file.Blocks.SequenceEqual(c.Blocks) ? Status(c.Path) : Error(ErrorCode.FileNotUnderConstruction);
        }

        if (c.Blocks.Any(b => b.NumBytes > file.BlockSize))
        {
            return Error(ErrorCode.InvalidArgument);
        }

        _nodes[c.Path] = file with { Length = c.Length, Blocks = c.Blocks.ToArray(), UnderConstruction = false, ModificationTime = timeMs };
        return Status(c.Path);
    }

    private Result<FileStatus?> Delete(DeleteCommand c, long timeMs)
    {
        if (c.Path == ReferencePath.Root)
        {
            return Error(ErrorCode.InvalidArgument);
        }

        if (Existing(c.Path, c.Caller) is { IsOk: false } failed)
        {
            return failed.Error!;
        }

        var node = _nodes[c.Path];
        var parent = ReferencePath.Parent(c.Path);
        if (!MayRemoveChild(parent, node, c.Caller))
        {
            return Denied();
        }

        if (node.IsDirectory && !c.Recursive && ChildrenOf(c.Path).Count > 0)
        {
            return Error(ErrorCode.DirectoryNotEmpty);
        }

        // HDFS checks ALL on every directory of the subtree, ignoring empty ones.
        if (SubtreeOf(c.Path).Any(p => _nodes[p].IsDirectory && ChildrenOf(p).Count > 0 && !Can(_nodes[p], c.Caller, FsAction.All)))
        {
            return Denied();
        }

        RemoveSubtree(c.Path);
        Touch(parent, timeMs);
        return Result<FileStatus?>.Ok(null);
    }

    /// <summary>Write on the parent, and with its sticky bit set, ownership of the parent or the child.</summary>
    private bool MayRemoveChild(string parent, InodeRecord child, CallerIdentity caller)
    {
        var directory = _nodes[parent];
        var stickyBlocks = (directory.Permission & FsPermission.StickyBit) != 0 && !IsSuper(caller) &&
            caller.User != directory.Owner && caller.User != child.Owner;
        return !stickyBlocks && Can(directory, caller, FsAction.Write);
    }

    private void RemoveSubtree(string path)
    {
        foreach (var p in SubtreeOf(path))
        {
            _nodes.Remove(p);
        }
    }

    private Result<FileStatus?> SetPermission(SetPermissionCommand c)
    {
        if (c.Permission > Octal(1777))
        {
            return ReferencePath.Parse(c.Path) is { IsOk: false } bad ? bad.Error! : Error(ErrorCode.InvalidArgument);
        }

        if (Existing(c.Path, c.Caller) is { IsOk: false } failed)
        {
            return failed.Error!;
        }

        if (!IsSuper(c.Caller) && c.Caller.User != _nodes[c.Path].Owner)
        {
            return Denied();
        }

        _nodes[c.Path] = _nodes[c.Path] with { Permission = c.Permission };
        return Status(c.Path);
    }

    private Result<FileStatus?> SetOwner(SetOwnerCommand c)
    {
        if ((c.Owner is null && c.Group is null) || !ValidPrincipal(c.Owner) || !ValidPrincipal(c.Group))
        {
            return ReferencePath.Parse(c.Path) is { IsOk: false } bad ? bad.Error! : Error(ErrorCode.InvalidArgument);
        }

        if (Existing(c.Path, c.Caller) is { IsOk: false } failed)
        {
            return failed.Error!;
        }

        var node = _nodes[c.Path];
        if (!IsSuper(c.Caller) &&
            (c.Caller.User != node.Owner || (c.Owner is not null && c.Owner != c.Caller.User) ||
             (c.Group is not null && !c.Caller.Groups.Contains(c.Group))))
        {
            return Denied();
        }

        _nodes[c.Path] = node with { Owner = c.Owner ?? node.Owner, Group = c.Group ?? node.Group };
        return Status(c.Path);
    }

    private static bool ValidPrincipal(string? name) => name is null || (name.Length is > 0 and <= MaxPrincipalLength);

    private Result<FileStatus?> SetTimes(SetTimesCommand c)
    {
        if (c.ModificationTime < -1 || c.AccessTime < -1)
        {
            return ReferencePath.Parse(c.Path) is { IsOk: false } bad ? bad.Error! : Error(ErrorCode.InvalidArgument);
        }

        if (Existing(c.Path, c.Caller) is { IsOk: false } failed)
        {
            return failed.Error!;
        }

        var node = _nodes[c.Path];
        if (!Can(node, c.Caller, FsAction.Write))
        {
            return Denied();
        }

        _nodes[c.Path] = node with
        {
            ModificationTime = c.ModificationTime == -1 ? node.ModificationTime : c.ModificationTime,
            AccessTime = c.AccessTime == -1 ? node.AccessTime : c.AccessTime,
        };
        return Status(c.Path);
    }

    /// <summary>Parses, traverses (a file on the way means not found) and demands that the path exists.</summary>
    private Result<FileStatus> Existing(string path, CallerIdentity caller)
    {
        var parsed = ReferencePath.Parse(path);
        if (!parsed.IsOk)
        {
            return parsed.Error!;
        }

        if (Traverse(parsed.Value, caller, ErrorCode.FileNotFound) is { } denied)
        {
            return denied;
        }

        return _nodes.ContainsKey(path) ? Status(path) : NotFound(path);
    }
}
