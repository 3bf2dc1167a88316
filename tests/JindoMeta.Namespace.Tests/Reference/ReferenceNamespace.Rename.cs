using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Tests.Reference;

public sealed partial class ReferenceNamespace
{
    /// <summary>
    /// HDFS rename. Without Overwrite (FileSystem.rename): an existing directory destination receives the source
    /// under its own name, an existing file is an error, a file renamed onto itself is a no-op (a directory
    /// "onto itself" becomes a move under itself: an error, as in HDFS). With Overwrite (Options.Rename.OVERWRITE):
    /// the destination is exact; it may replace a file by a file or an empty directory by a directory; source ==
    /// destination is an error. Needs write on both parents, and the sticky bit of the source's parent (and of the
    /// destination's parent when replacing, as POSIX rename does) is honoured.
    /// </summary>
    /// <remarks>
    /// When several things are wrong at once, the model reports them in the engine's order (source first, then
    /// the destination), which differs from HDFS's (all permission checks first) only in which error is named.
    /// </remarks>
    private Result<FileStatus?> Rename(RenameCommand c, long timeMs)
    {
        var destination = ReferencePath.Parse(c.Destination);
        if (!destination.IsOk)
        {
            return destination.Error!;
        }

        if (Existing(c.Source, c.Caller) is { IsOk: false } missing)
        {
            return missing.Error!;
        }

        if (c.Source == ReferencePath.Root)
        {
            return Error(ErrorCode.InvalidRename);
        }

        var moving = _nodes[c.Source];
        var sourceParent = ReferencePath.Parent(c.Source);
        if (!MayRemoveChild(sourceParent, moving, c.Caller))
        {
            return Denied();
        }

        var target = c.Destination;
        if (!c.Overwrite && _nodes.TryGetValue(target, out var into) && into.IsDirectory)
        {
            target = ReferencePath.Child(target, ReferencePath.Name(c.Source));
            if (ReferencePath.Parse(target) is { IsOk: false } tooLong)
            {
                return tooLong.Error!;
            }
        }

        if (target == c.Source)
        {
            return c.Overwrite ? Error(ErrorCode.FileAlreadyExists) : Status(c.Source);
        }

        if (ReferencePath.IsStrictlyUnder(target, c.Source) || target == ReferencePath.Root)
        {
            return Error(ErrorCode.InvalidRename);
        }

        if (Traverse(ReferencePath.Parse(target).Value, c.Caller, ErrorCode.ParentNotDirectory) is { } cannotReach)
        {
            return cannotReach;
        }

        var targetParent = ReferencePath.Parent(target);
        if (!_nodes.TryGetValue(targetParent, out var targetDirectory))
        {
            return NotFound(targetParent);
        }

        if (!Can(targetDirectory, c.Caller, FsAction.Write))
        {
            return Denied();
        }

        if (_nodes.TryGetValue(target, out var replaced))
        {
            if (!c.Overwrite)
            {
                return Error(ErrorCode.FileAlreadyExists);
            }

            if (replaced.IsDirectory != moving.IsDirectory)
            {
                return Error(ErrorCode.InvalidRename);
            }

            if (replaced.IsDirectory && ChildrenOf(target).Count > 0)
            {
                return Error(ErrorCode.DirectoryNotEmpty);
            }

            if (!MayRemoveChild(targetParent, replaced, c.Caller))
            {
                return Denied();
            }

            RemoveSubtree(target);
        }

        foreach (var path in SubtreeOf(c.Source))
        {
            var record = _nodes[path];
            _nodes.Remove(path);
            _nodes[target + path.Substring(c.Source.Length)] = record;
        }

        Touch(sourceParent, timeMs);
        Touch(targetParent, timeMs);
        return Status(target);
    }
}
