using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-du [-s] [-h] [-v] path...`: size, disk space consumed and path; a directory argument shows its entries one
/// level deep unless -s. The data lives in object storage, so space consumed equals the length (no replicas).
/// </summary>
public sealed class DiskUsageCommand : FsCommand
{
    private bool _summary;
    private bool _human;
    private UsageTable _table = null!;

    public override string Name => "du";

    public override string Usage => "-du [-s] [-h] [-v] <path> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["s", "h", "v", "x"], 1);
        _summary = options.Has("s");
        _human = options.Has("h");
        _table = new UsageTable(3);
        if (options.Has("v"))
        {
            _table.Add("SIZE", "DISK_SPACE_CONSUMED_WITH_ALL_REPLICAS", "FULL_PATH_NAME");
        }

        return options.Arguments;
    }

    protected override async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        await base.ProcessArgumentsAsync(arguments).ConfigureAwait(false);
        foreach (var line in _table.Lines())
        {
            Out.WriteLine(line);
        }
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (_summary || status.Type != FileType.Directory)
        {
            await AddRowAsync(path, status).ConfigureAwait(false);
            return;
        }

        foreach (var (child, childStatus) in await ListChildrenAsync(path).ConfigureAwait(false))
        {
            await GuardAsync(child, () => AddRowAsync(child, childStatus)).ConfigureAwait(false);
        }
    }

    private async Task AddRowAsync(JfsPath path, FileStatus status)
    {
        var length = status.Type == FileType.Directory
            ? (await Client.GetContentSummaryAsync(new GetContentSummaryRequest { Namespace = path.Namespace, Path = path.Path }).ConfigureAwait(false)).Length
            : status.Length;
        var size = SizeFormat.Format(length, _human);
        _table.Add(size, size, path.Display);
    }
}
