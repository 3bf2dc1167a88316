using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-getmerge [-nl] [-skip-empty-file] src localdst`: the files of src (a directory's files in name order, not
/// its subdirectories; or the file itself) concatenated into one local file; -nl adds a newline after each.
/// </summary>
public sealed class GetMergeCommand : FsCommand
{
    private bool _newLines;
    private bool _skipEmpty;
    private FileStream? _output;

    public override string Name => "getmerge";

    public override string Usage => "-getmerge [-nl] [-skip-empty-file] <src> <localdst>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["nl", "skip-empty-file"], 2);
        _newLines = options.Has("nl");
        _skipEmpty = options.Has("skip-empty-file");
        return options.Arguments;
    }

    protected override async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        var destination = arguments[^1];
        if (Directory.Exists(destination))
        {
            ReportError($"`{destination}': Is a directory");
            return;
        }

        await using (_output = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1024 * 1024))
        {
            await base.ProcessArgumentsAsync(arguments.Take(arguments.Count - 1).ToList()).ConfigureAwait(false);
        }
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type != FileType.Directory)
        {
            await AppendAsync(path, status).ConfigureAwait(false);
            return;
        }

        foreach (var (child, childStatus) in await ListChildrenAsync(path).ConfigureAwait(false))
        {
            if (childStatus.Type == FileType.File)
            {
                await GuardAsync(child, () => AppendAsync(child, childStatus)).ConfigureAwait(false);
            }
        }
    }

    private async Task AppendAsync(JfsPath path, FileStatus status)
    {
        if (_skipEmpty && status.Length == 0)
        {
            return;
        }

        await FileCopy.ReadAsync(Client, path, chunk =>
        {
            _output!.Write(chunk.Span);
            return Task.CompletedTask;
        }).ConfigureAwait(false);
        if (_newLines)
        {
            await _output!.WriteAsync("\n"u8.ToArray()).ConfigureAwait(false);
        }
    }
}
