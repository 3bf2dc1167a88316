using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell;

/// <summary>
/// One `jindo fs -VERB`: parses its options, then handles each path argument in turn. Errors of one path are
/// printed as "verb: message" and make the exit code 1, and the next path is still handled, as in Hadoop's FsShell.
/// </summary>
public abstract class FsCommand
{
    private int _errors;

    /// <summary>The verb without its dash, as errors name it: "ls".</summary>
    public abstract string Name { get; }

    /// <summary>The verb's usage after "jindo fs": "-ls [-R] [-d] [-h] &lt;path&gt; ...".</summary>
    public abstract string Usage { get; }

    protected ShellContext Context { get; private set; } = null!;

    protected JindoMetaClient Client => Context.Client;

    protected TextWriter Out => Context.Out;

    /// <summary>Runs the verb; returns the exit code (0, 1 when any path failed). Throws <see cref="UsageException"/>.</summary>
    public async Task<int> RunAsync(ShellContext context, IReadOnlyList<string> args)
    {
        Context = context;
        var paths = ParseOptions(args);
        await ProcessArgumentsAsync(paths).ConfigureAwait(false);
        return _errors > 0 ? 1 : ExitCode;
    }

    /// <summary>The exit code when no error was reported (-test sets 1 for false).</summary>
    protected int ExitCode { get; set; }

    /// <summary>Reads this verb's options; returns the path arguments.</summary>
    protected abstract IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args);

    /// <summary>Where relative arguments resolve: /user/NAME.</summary>
    protected string WorkingDirectory => Context.WorkingDirectory;

    /// <summary>
    /// Expands every argument first (printing the errors of those that fail, e.g. a glob that matches nothing), then
    /// handles the paths in order, as Hadoop's Command.processRawArguments does.
    /// </summary>
    protected virtual async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        var items = await ExpandArgumentsAsync(arguments).ConfigureAwait(false);
        await ProcessItemsAsync(items).ConfigureAwait(false);
    }

    /// <summary>Each argument's paths (see <see cref="ExpandAsync"/>); an argument that fails is reported and left out.</summary>
    protected async Task<List<(JfsPath Path, FileStatus? Status)>> ExpandArgumentsAsync(IReadOnlyList<string> arguments)
    {
        var items = new List<(JfsPath Path, FileStatus? Status)>();
        foreach (var argument in arguments)
        {
            await GuardAsync(null, async () =>
            {
                var expanded = await ExpandOrEmptyAsync(argument).ConfigureAwait(false);
                if (expanded.Count == 0)
                {
                    ReportNoMatch(argument);
                }

                items.AddRange(expanded);
            }).ConfigureAwait(false);
        }

        return items;
    }

    /// <summary>Handles each path: <see cref="ProcessArgumentAsync"/> when it exists, else <see cref="ProcessMissingAsync"/>.</summary>
    protected async Task ProcessItemsAsync(IEnumerable<(JfsPath Path, FileStatus? Status)> items)
    {
        foreach (var (path, status) in items)
        {
            await GuardAsync(path, () => status is null ? ProcessMissingAsync(path) : ProcessArgumentAsync(path, status)).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// One argument's paths as Hadoop's PathData.expandAsGlob gives them. A literal path (no glob characters): one item,
    /// its status null when it does not exist (so -mkdir and -touchz can create it). A glob: its matches, sorted,
    /// printed in the argument's form (relative stays relative); none is <see cref="ShellException"/>
    /// "`ARG': No such file or directory" with the argument as typed.
    /// </summary>
    protected async Task<IReadOnlyList<(JfsPath Path, FileStatus? Status)>> ExpandAsync(string argument)
    {
        var items = await ExpandOrEmptyAsync(argument).ConfigureAwait(false);
        return items.Count > 0 ? items : throw NoMatch(argument);
    }

    /// <summary>A literal argument as a path; relative ones resolve under <see cref="WorkingDirectory"/>.</summary>
    protected JfsPath ParsePath(string argument) => JfsPath.Parse(argument, WorkingDirectory);

    /// <summary>Reports a glob that matched nothing (-rm -f stays silent, as Hadoop's Rm does).</summary>
    protected virtual void ReportNoMatch(string argument) => ReportError(NoMatch(argument).Message);

    private static ShellException NoMatch(string argument) => new($"`{argument}': No such file or directory");

    private async Task<IReadOnlyList<(JfsPath Path, FileStatus? Status)>> ExpandOrEmptyAsync(string argument)
    {
        var (form, namespaceName, rawPath) = JfsPath.Split(argument);
        var matches = await new NamespaceGlobber(Client).GlobAsync(form, namespaceName, rawPath, WorkingDirectory).ConfigureAwait(false);
        if (matches is null)
        {
            var path = ParsePath(argument);
            var status = await Client.TryGetFileInfoAsync(path.Namespace, path.Path).ConfigureAwait(false);
            return [(status is null ? path : path.Found(WorkingDirectory), status)];
        }

        var items = new List<(JfsPath Path, FileStatus? Status)>(matches.Count);
        foreach (var (matchPath, status) in matches)
        {
            var display = JfsPath.DisplayFound(form, namespaceName, matchPath, WorkingDirectory);
            items.Add((new JfsPath(namespaceName, matchPath, display) { Form = form }, status));
        }

        return items;
    }

    protected abstract Task ProcessArgumentAsync(JfsPath path, FileStatus status);

    protected virtual Task ProcessMissingAsync(JfsPath path) => throw ShellException.NotFound(path);

    /// <summary>Runs one unit of work; prints its error (if any) and counts it.</summary>
    protected async Task GuardAsync(JfsPath? path, Func<Task> work)
    {
        try
        {
            await work().ConfigureAwait(false);
        }
        catch (ShellException e)
        {
            ReportError(e.Message);
        }
        catch (JindoMetaException e)
        {
            ReportError(Describe(e, path));
        }
    }

    protected void ReportError(string message)
    {
        _errors++;
        Context.Error.WriteLine($"{Name}: {message}");
    }

    /// <summary>Hadoop's wording for a server error about <paramref name="path"/>; the server's text otherwise.</summary>
    protected static string Describe(JindoMetaException error, JfsPath? path) => (error.ErrorCode, path) switch
    {
        (JindoErrorCode.FileNotFound, { } p) => ShellException.NotFound(p).Message,
        (JindoErrorCode.FileAlreadyExists, { } p) => ShellException.Exists(p).Message,
        (JindoErrorCode.IsDirectory, { } p) => ShellException.IsDirectory(p).Message,
        (JindoErrorCode.ParentNotDirectory, { } p) => ShellException.NotDirectory(p).Message,
        (JindoErrorCode.DirectoryNotEmpty, { } p) => ShellException.NotEmpty(p).Message,
        _ => error.ServerMessage,
    };

    /// <summary>A directory's entries sorted by name as Hadoop sorts paths (UTF-16 ordinal), with their paths.</summary>
    protected async Task<List<(JfsPath Path, FileStatus Status)>> ListChildrenAsync(JfsPath directory)
    {
        var children = new List<(JfsPath, FileStatus)>();
        await foreach (var entry in Client.ListAllAsync(directory.Namespace, directory.Path).ConfigureAwait(false))
        {
            var name = entry.Path[(entry.Path.LastIndexOf('/') + 1)..];
            children.Add((directory.Child(name), entry));
        }

        children.Sort((a, b) => string.CompareOrdinal(a.Item1.Path, b.Item1.Path));
        return children;
    }

    /// <summary>Visits every entry below <paramref name="directory"/> depth-first, each directory's entries in name order.</summary>
    protected async Task RecurseAsync(JfsPath directory, Func<JfsPath, FileStatus, Task> visit)
    {
        foreach (var (path, status) in await ListChildrenAsync(directory).ConfigureAwait(false))
        {
            await GuardAsync(path, () => visit(path, status)).ConfigureAwait(false);
            if (status.Type == FileType.Directory)
            {
                await GuardAsync(path, () => RecurseAsync(path, visit)).ConfigureAwait(false);
            }
        }
    }
}
