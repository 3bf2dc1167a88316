using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

public sealed partial class NamespaceEngine
{
    /// <summary>The status of one path (needs execute on every ancestor).</summary>
    public Result<FileStatus> GetFileInfo(INamespaceState state, string path, CallerIdentity caller)
    {
        var found = ResolveExisting(state, path, caller);
        return found.IsOk ? new FileStatus(path, found.Value.Last!) : found.Error!;
    }

    /// <summary>
    /// One page of a directory, sorted by name, strictly after <paramref name="startAfter"/>; a file lists as
    /// itself. Reads at most <paramref name="limit"/> + 1 entries, however big the directory is.
    /// </summary>
    public Result<DirectoryListing> ListStatus(INamespaceState state, string path, string? startAfter, int limit, CallerIdentity caller)
    {
        if (limit is < 1 or > MaxListLimit)
        {
            return NamespaceError.InvalidArgument($"List limit {limit} is out of range [1, {MaxListLimit}]");
        }

        if (!string.IsNullOrEmpty(startAfter) && PathRules.CheckComponent(startAfter) is { } badCursor)
        {
            return NamespaceError.InvalidArgument($"Invalid listing cursor: {badCursor}");
        }

        var found = ResolveExisting(state, path, caller);
        if (!found.IsOk)
        {
            return found.Error!;
        }

        var directory = found.Value.Last!;
        if (!directory.IsDirectory)
        {
            return new DirectoryListing([new FileStatus(path, directory)], false);
        }

        if (CheckAccess(directory, path, caller, FsAction.ReadExecute) is { } denied)
        {
            return denied;
        }

        var entries = new List<FileStatus>(Math.Min(limit, 1024));
        var hasMore = false;
        foreach (var (name, child) in state.ListChildren(directory.Id, string.IsNullOrEmpty(startAfter) ? null : startAfter))
        {
            if (entries.Count == limit)
            {
                hasMore = true;
                break;
            }

            entries.Add(new FileStatus(PathRules.Combine(path, name), child));
        }

        return new DirectoryListing(entries, hasMore);
    }

    /// <summary>Directory count (including the path itself), file count and total length under a path.</summary>
    public Result<ContentSummary> GetContentSummary(INamespaceState state, string path, CallerIdentity caller)
    {
        var found = ResolveExisting(state, path, caller);
        if (!found.IsOk)
        {
            return found.Error!;
        }

        var top = found.Value.Last!;
        if (!top.IsDirectory)
        {
            return new ContentSummary(0, 1, top.Length);
        }

        long directories = 0, files = 0, length = 0;
        var pending = new Stack<(InodeRecord Directory, string Path)>();
        pending.Push((top, path));
        while (pending.Count > 0)
        {
            var (directory, directoryPath) = pending.Pop();
            if (CheckAccess(directory, directoryPath, caller, FsAction.ReadExecute) is { } denied)
            {
                return denied;
            }

            directories++;
            foreach (var (name, child) in state.ListChildren(directory.Id, null))
            {
                if (child.IsDirectory)
                {
                    pending.Push((child, PathRules.Combine(directoryPath, name)));
                }
                else
                {
                    files++;
                    length += child.Length;
                }
            }
        }

        return new ContentSummary(directories, files, length);
    }
}
