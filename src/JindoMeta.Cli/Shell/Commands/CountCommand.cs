using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-count [-q] [-h] [-v] path...`: directories (the path itself included), files and bytes below each path.</summary>
public sealed class CountCommand : FsCommand
{
    private bool _quota;
    private bool _human;

    public override string Name => "count";

    public override string Usage => "-count [-q] [-h] [-v] <path> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["q", "h", "v"], 1);
        _quota = options.Has("q");
        _human = options.Has("h");
        if (options.Has("v"))
        {
            Out.WriteLine(CountFormat.Header(_quota));
        }

        return options.Arguments;
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        var summary = await Client.GetContentSummaryAsync(new GetContentSummaryRequest { Namespace = path.Namespace, Path = path.Path }).ConfigureAwait(false);
        Out.WriteLine(CountFormat.Line(summary, _quota, _human, path.Display));
    }
}
