using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-stat [format] path...`: the first argument is the format when it contains '%' (default %y).</summary>
public sealed class StatCommand : FsCommand
{
    private string _format = StatFormat.Default;

    public override string Name => "stat";

    public override string Usage => "-stat [format] <path> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, [], 1);
        var arguments = options.Arguments.ToList();
        if (arguments[0].Contains('%', StringComparison.Ordinal))
        {
            _format = arguments[0];
            arguments.RemoveAt(0);
            if (arguments.Count == 0)
            {
                throw new UsageException("Not enough arguments: expected 1 but got 0");
            }
        }

        return arguments;
    }

    protected override Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        Out.WriteLine(StatFormat.Format(_format, status, path.Name));
        return Task.CompletedTask;
    }
}
