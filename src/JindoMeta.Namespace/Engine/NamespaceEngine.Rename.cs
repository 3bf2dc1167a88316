using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

public sealed partial class NamespaceEngine
{
    private Result<FileStatus?> Rename(OverlayState state, RenameCommand command, long timestampMs)
    {
        var destinationParsed = PathRules.Parse(command.Destination);
        if (!destinationParsed.IsOk)
        {
            return destinationParsed.Error!;
        }

        var found = ResolveRemovable(state, command.Source, command.Caller, NamespaceError.InvalidRename("Cannot rename the root directory /"));
        if (!found.IsOk)
        {
            return found.Error!;
        }

        var source = found.Value;
        var moved = source.Last!;
        var sourceParent = source.Parent!;

        var target = ResolvedPath.Walk(state, command.Destination, destinationParsed.Value);
        if (!command.Overwrite && target.Last is { IsDirectory: true })
        {
            // FileSystem.rename: an existing directory receives the source under the source's own name.
            var into = PathRules.Combine(command.Destination, source.Name);
            var intoParsed = PathRules.Parse(into);
            if (!intoParsed.IsOk)
            {
                return intoParsed.Error!;
            }

            target = ResolvedPath.Walk(state, into, intoParsed.Value);
        }

        if (target.Path == command.Source)
        {
            return command.Overwrite
                ? new NamespaceError(ErrorCode.FileAlreadyExists, $"The source {command.Source} and destination {command.Destination} are the same")
                : new FileStatus(command.Source, moved);
        }

        if (PathRules.IsSameOrUnder(target.Path, command.Source))
        {
            return NamespaceError.InvalidRename($"Rename destination {target.Path} is a directory or file under source {command.Source}");
        }

        if (target.IsRoot)
        {
            return NamespaceError.InvalidRename($"Cannot rename {command.Source} to the root directory /");
        }

        if (CheckTraverse(target, command.Caller) is { } cannotReach)
        {
            return cannotReach;
        }

        if (target.BlockedByFileAt >= 0)
        {
            return NamespaceError.ParentNotDirectory(target.PrefixPath(target.BlockedByFileAt));
        }

        var targetParent = target.Parent;
        if (targetParent is null)
        {
            return NamespaceError.NotFound(target.PrefixPath(target.Depth - 1));
        }

        if (CheckAccess(targetParent, target.PrefixPath(target.Depth - 1), command.Caller, FsAction.Write) is { } cannotWrite)
        {
            return cannotWrite;
        }

        if (target.Last is { } existing)
        {
            if (!command.Overwrite)
            {
                return NamespaceError.AlreadyExists(target.Path);
            }

            if (ReplaceCheck(state, moved, existing, command, target.Path) is { } cannotReplace)
            {
                return cannotReplace;
            }

            if (CheckStickyBit(targetParent, existing, target.Path, command.Caller) is { } sticky)
            {
                return sticky;
            }
        }

        state.Delete(sourceParent.Id, source.Name);
        state.Put(targetParent.Id, target.Name, moved);
        Touch(state, source, source.Depth - 1, timestampMs);
        Touch(state, target, target.Depth - 1, timestampMs);
        return new FileStatus(target.Path, moved);
    }

    /// <summary>rename with OVERWRITE replaces a file by a file, or an empty directory by a directory.</summary>
    private static NamespaceError? ReplaceCheck(INamespaceState state, InodeRecord moved, InodeRecord existing, RenameCommand command, string targetPath)
    {
        if (moved.IsDirectory != existing.IsDirectory)
        {
            return moved.IsDirectory
                ? NamespaceError.InvalidRename($"Source {command.Source} is a directory but destination {targetPath} is a file")
                : NamespaceError.InvalidRename($"Source {command.Source} is a file but destination {targetPath} is a directory");
        }

        return existing.IsDirectory && HasChildren(state, existing.Id)
            ? new NamespaceError(ErrorCode.DirectoryNotEmpty, $"Rename destination directory is not empty: {targetPath}")
            : null;
    }
}
