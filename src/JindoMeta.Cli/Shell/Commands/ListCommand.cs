using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-ls [-R] [-d] [-h] [path...]`: a directory argument lists its entries under "Found N items" (no header with -R).
/// No path lists "." (the home directory), its entries printed by name only, as Hadoop's Ls does.
/// </summary>
public sealed class ListCommand : FsCommand
{
    private bool _recursive;
    private bool _directoryAsFile;
    private ListingFormatter _formatter = null!;

    public override string Name => "ls";

    public override string Usage => "-ls [-d] [-h] [-R] [<path> ...]";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["R", "d", "h"], 0);
        _directoryAsFile = options.Has("d");
        _recursive = options.Has("R") && !_directoryAsFile;
        _formatter = new ListingFormatter(options.Has("h"), Context.TimeZone);
        return options.Arguments.Count > 0 ? options.Arguments : ["."];
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (_directoryAsFile || status.Type != FileType.Directory)
        {
            Print([(path, status)]);
            return;
        }

        await ListDirectoryAsync(path).ConfigureAwait(false);
    }

    private async Task ListDirectoryAsync(JfsPath directory)
    {
        var children = await ListChildrenAsync(directory).ConfigureAwait(false);
        if (!_recursive && children.Count > 0)
        {
            Out.WriteLine($"Found {children.Count} items");
        }

        _formatter.Widen(children.Select(c => c.Status));
        foreach (var (path, status) in children)
        {
            Out.WriteLine(_formatter.Format(status, path.Display));
            if (_recursive && status.Type == FileType.Directory)
            {
                await GuardAsync(path, () => ListDirectoryAsync(path)).ConfigureAwait(false);
            }
        }
    }

    private void Print(IReadOnlyList<(JfsPath Path, FileStatus Status)> items)
    {
        _formatter.Widen(items.Select(i => i.Status));
        foreach (var (path, status) in items)
        {
            Out.WriteLine(_formatter.Format(status, path.Display));
        }
    }
}
