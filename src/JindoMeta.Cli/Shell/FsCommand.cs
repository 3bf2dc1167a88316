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

    protected virtual async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        foreach (var argument in arguments)
        {
            JfsPath path;
            try
            {
                path = JfsPath.Parse(argument);
            }
            catch (ShellException e)
            {
                ReportError(e.Message);
                continue;
            }

            await GuardAsync(path, async () =>
            {
                var status = await Client.TryGetFileInfoAsync(path.Namespace, path.Path).ConfigureAwait(false);
                if (status is null)
                {
                    await ProcessMissingAsync(path).ConfigureAwait(false);
                }
                else
                {
                    await ProcessArgumentAsync(path, status).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
        }
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
