using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell;

/// <summary>
/// Expands a path argument as Hadoop's FsShell does (PathData.expandAsGlob over Globber): braces holding a '/' are
/// expanded first, each resulting pattern is made absolute and normalized, then walked component by component from
/// the root. A component with a wildcard lists its candidate directories and keeps the entries whose name matches;
/// a plain component is appended unchecked, except the last, which is looked up. Only directories go on to a next
/// component. Matches are sorted by path (UTF-16 ordinal, as Hadoop sorts FileStatus by Path).
/// </summary>
public sealed class NamespaceGlobber(JindoMetaClient client)
{
    /// <summary>
    /// The argument's matches, or null when it is no glob (no wildcard in any component and one pattern): the caller
    /// treats it as a literal path that need not exist. Throws <see cref="ShellException"/> for a bad pattern.
    /// </summary>
    public async Task<List<(string Path, FileStatus Status)>?> GlobAsync(PathForm form, string namespaceName, string rawPath, string? workingDirectory)
    {
        var patterns = GlobPattern.ExpandSlashBraces(rawPath);
        var walks = new List<(List<string> Components, List<GlobPattern> Globs)>(patterns.Count);
        foreach (var pattern in patterns)
        {
            var components = JfsPath.Normalize(JfsPath.Resolve(form, namespaceName, pattern, workingDirectory));
            walks.Add((components, components.Select(CompileComponent).ToList()));
        }

        if (patterns.Count == 1 && !walks[0].Globs.Any(g => g.HasWildcard))
        {
            return null;
        }

        var matches = new List<(string Path, FileStatus Status)>();
        foreach (var (components, globs) in walks)
        {
            matches.AddRange(await WalkAsync(namespaceName, components, globs).ConfigureAwait(false));
        }

        matches.Sort((a, b) => string.CompareOrdinal(a.Path, b.Path));
        return matches;
    }

    private static GlobPattern CompileComponent(string component)
    {
        try
        {
            return GlobPattern.Compile(component);
        }
        catch (FormatException e)
        {
            throw new ShellException($"Illegal file pattern: {e.Message}"); // Hadoop's GlobFilter wording
        }
    }

    private async Task<List<(string Path, FileStatus Status)>> WalkAsync(string namespaceName, List<string> components, List<GlobPattern> globs)
    {
        // Status null: not looked up yet (the root, or a plain component appended unchecked).
        var candidates = new List<(string Path, FileStatus? Status)> { ("/", null) };
        for (var index = 0; index < components.Count && candidates.Count > 0; index++)
        {
            var last = index == components.Count - 1;
            var next = new List<(string Path, FileStatus? Status)>();
            if (!globs[index].HasWildcard)
            {
                var name = GlobPattern.Unescape(components[index]);
                foreach (var (path, _) in candidates)
                {
                    var childPath = ChildPath(path, name);
                    next.Add((childPath, last ? await client.TryGetFileInfoAsync(namespaceName, childPath).ConfigureAwait(false) : null));
                }

                candidates = next.Where(c => !last || c.Status is not null).ToList();
                continue;
            }

            foreach (var (path, status) in candidates)
            {
                foreach (var child in await ListDirectoryAsync(namespaceName, path, status).ConfigureAwait(false))
                {
                    var name = child.Path[(child.Path.LastIndexOf('/') + 1)..];
                    if ((last || child.Type == FileType.Directory) && globs[index].IsMatch(name))
                    {
                        next.Add((ChildPath(path, name), child));
                    }
                }
            }

            candidates = next;
        }

        var matches = new List<(string Path, FileStatus Status)>(candidates.Count);
        foreach (var (path, status) in candidates)
        {
            // Only a pattern that flattened to "/" leaves the root unlooked-up.
            if ((status ?? await client.TryGetFileInfoAsync(namespaceName, path).ConfigureAwait(false)) is { } found)
            {
                matches.Add((path, found));
            }
        }

        return matches;
    }

    /// <summary>A candidate's entries; none when it is missing or no directory (Hadoop's globber skips those too).</summary>
    private async Task<List<FileStatus>> ListDirectoryAsync(string namespaceName, string path, FileStatus? status)
    {
        status ??= await client.TryGetFileInfoAsync(namespaceName, path).ConfigureAwait(false);
        var entries = new List<FileStatus>();
        if (status is not { Type: FileType.Directory })
        {
            return entries;
        }

        try
        {
            await foreach (var entry in client.ListAllAsync(namespaceName, path).ConfigureAwait(false))
            {
                entries.Add(entry);
            }
        }
        catch (JindoMetaException e) when (e.IsNotFound)
        {
            entries.Clear(); // removed while we looked: as good as empty
        }

        return entries;
    }

    private static string ChildPath(string parent, string name) => parent == "/" ? "/" + name : parent + "/" + name;
}
