using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

public sealed partial class NamespaceEngine
{
    private Result<FileStatus?> Delete(OverlayState state, DeleteCommand command, long timestampMs)
    {
        var found = ResolveRemovable(state, command.Path, command.Caller, NamespaceError.InvalidArgument("Cannot delete the root directory /"));
        if (!found.IsOk)
        {
            return found.Error!;
        }

        var resolved = found.Value;
        var target = resolved.Last!;
        var parent = resolved.Parent!;

        if (target.IsDirectory && HasChildren(state, target.Id))
        {
            if (!command.Recursive)
            {
                return NamespaceError.NotEmpty(command.Path);
            }

            // HDFS checks ALL on every non-empty directory of the subtree before removing anything.
            var removed = RemoveSubtree(state, target, command.Path, command.Caller);
            if (removed is not null)
            {
                return removed;
            }
        }

        state.Delete(parent.Id, resolved.Name);
        Touch(state, resolved, resolved.Depth - 1, timestampMs);
        return Result<FileStatus?>.Ok(null);
    }

    /// <summary>
    /// Resolves an existing entry that is about to leave its directory (delete, rename source): never the root,
    /// and the caller needs write on the parent and must pass its sticky bit.
    /// </summary>
    private Result<ResolvedPath> ResolveRemovable(INamespaceState state, string path, CallerIdentity caller, NamespaceError rootError)
    {
        var found = ResolveExisting(state, path, caller);
        if (!found.IsOk)
        {
            return found;
        }

        var resolved = found.Value;
        if (resolved.IsRoot)
        {
            return rootError;
        }

        var parent = resolved.Parent!;
        return (CheckAccess(parent, resolved.PrefixPath(resolved.Depth - 1), caller, FsAction.Write) ??
            CheckStickyBit(parent, resolved.Last!, path, caller)) is { } denied
            ? denied
            : resolved;
    }

    private static bool HasChildren(INamespaceState state, long directoryId)
    {
        using var children = state.ListChildren(directoryId, null).GetEnumerator();
        return children.MoveNext();
    }

    /// <summary>Deletes every descendant of <paramref name="root"/> (not the root's own entry).</summary>
    private NamespaceError? RemoveSubtree(OverlayState state, InodeRecord root, string rootPath, CallerIdentity caller)
    {
        // Collect first, delete after: the walk must not read its own deletions midway.
        var doomed = new List<(long ParentId, string Name)>();
        var pending = new Stack<(InodeRecord Directory, string Path)>();
        pending.Push((root, rootPath));
        while (pending.Count > 0)
        {
            var (directory, path) = pending.Pop();
            var any = false;
            foreach (var (name, child) in state.ListChildren(directory.Id, null))
            {
                if (!any)
                {
                    any = true;
                    if (CheckAccess(directory, path, caller, FsAction.All) is { } denied)
                    {
                        return denied;
                    }
                }

                doomed.Add((directory.Id, name));
                if (child.IsDirectory)
                {
                    pending.Push((child, PathRules.Combine(path, name)));
                }
            }
        }

        foreach (var (parentId, name) in doomed)
        {
            state.Delete(parentId, name);
        }

        return null;
    }
}
