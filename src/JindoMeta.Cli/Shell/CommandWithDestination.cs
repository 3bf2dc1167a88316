using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell;

/// <summary>
/// `SRC... DST` verbs (-mv; -cp and -put can build on it), checked in Hadoop's CommandWithDestination order:
/// <list type="number">
/// <item>DST is expanded first; a glob must match exactly one path ("`DST': Too many matches").</item>
/// <item>The sources are expanded (those that fail are reported and dropped).</item>
/// <item>More than one source: DST must exist ("No such file or directory") and be a directory ("Is not a directory").</item>
/// <item>One source: an existing DST that is not a directory is "`DST': File exists" unless <see cref="Overwrite"/>;
/// a missing DST needs its parent ("`DST': No such file or directory", naming DST, not the source).</item>
/// <item>Per source: the target is DST/NAME when DST is a directory, else DST; a
/// directory cannot go onto itself ("are identical") or below itself ("is a subdirectory of itself").</item>
/// </list>
/// Any failure in 1-4 stops the verb before a source is touched.
/// </summary>
public abstract class CommandWithDestination : FsCommand
{
    protected JfsPath Destination { get; private set; } = null!;

    /// <summary>The destination's status when the verb started; null when it did not exist.</summary>
    protected FileStatus? DestinationStatus { get; private set; }

    /// <summary>Whether an existing destination file may be replaced (-cp -f, -put -f).</summary>
    protected virtual bool Overwrite => false;

    protected override async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        if (!await ResolveDestinationAsync(arguments[^1]).ConfigureAwait(false))
        {
            return;
        }

        var sources = await ExpandArgumentsAsync(arguments.Take(arguments.Count - 1).ToList()).ConfigureAwait(false);
        var suitable = false;
        await GuardAsync(Destination, async () =>
        {
            await CheckDestinationAsync(sources.Count).ConfigureAwait(false);
            suitable = true;
        }).ConfigureAwait(false);
        if (suitable)
        {
            await ProcessItemsAsync(sources).ConfigureAwait(false);
        }
    }

    protected sealed override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        var target = TargetOf(path);
        if (status.Type == FileType.Directory && path.Namespace == target.Namespace)
        {
            if (target.Path == path.Path)
            {
                throw new ShellException($"`{path}' to `{target}': are identical");
            }

            if (target.Path.StartsWith(path.IsRoot ? "/" : path.Path + "/", StringComparison.Ordinal))
            {
                throw new ShellException($"`{path}' to `{target}': is a subdirectory of itself");
            }
        }

        await ProcessPathAsync(path, status, target).ConfigureAwait(false);
    }

    /// <summary>Moves or copies one existing source to <paramref name="target"/> (already checked as above).</summary>
    protected abstract Task ProcessPathAsync(JfsPath source, FileStatus status, JfsPath target);

    /// <summary>Where <paramref name="source"/> goes: into DST when DST is a directory, else DST itself.</summary>
    protected JfsPath TargetOf(JfsPath source) =>
        DestinationStatus is { Type: FileType.Directory } ? Destination.Child(source.Name) : Destination;

    private async Task<bool> ResolveDestinationAsync(string argument)
    {
        IReadOnlyList<(JfsPath Path, FileStatus? Status)> matches = [];
        var resolved = false;
        await GuardAsync(null, async () =>
        {
            matches = await ExpandAsync(argument).ConfigureAwait(false);
            resolved = true;
        }).ConfigureAwait(false);
        if (!resolved)
        {
            return false;
        }

        if (matches.Count > 1)
        {
            ReportError($"`{argument}': Too many matches");
            return false;
        }

        (Destination, DestinationStatus) = matches[0];
        return true;
    }

    /// <summary>Throws the error naming the destination unless it suits <paramref name="sourceCount"/> sources.</summary>
    private async Task CheckDestinationAsync(int sourceCount)
    {
        if (sourceCount > 1)
        {
            if (DestinationStatus is null)
            {
                throw ShellException.NotFound(Destination);
            }

            if (DestinationStatus.Type != FileType.Directory)
            {
                throw ShellException.NotDirectory(Destination);
            }
        }
        else if (DestinationStatus is not null)
        {
            if (DestinationStatus.Type != FileType.Directory && !Overwrite)
            {
                throw ShellException.Exists(Destination);
            }
        }
        else if (Destination.RepresentsDirectory || !await ParentExistsAsync(Destination).ConfigureAwait(false))
        {
            // Hadoop's parentExists(): "dst/" names a directory that must exist itself, else its parent must. Hadoop
            // appends the fully qualified path when it differs from the argument; the CLI knows it only as far as the
            // working directory (a relative DST), not the namespace name behind a bare /path.
            var qualified = Destination.Form == PathForm.Relative ? $": `{Destination.Path}'" : string.Empty;
            throw new ShellException(ShellException.NotFound(Destination).Message + qualified);
        }
    }

    private async Task<bool> ParentExistsAsync(JfsPath path) =>
        path.Parent() is not { } parent || await Client.TryGetFileInfoAsync(parent.Namespace, parent.Path).ConfigureAwait(false) is not null;
}
