using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-test -[defsz] path`: exit 0 when true, 1 when false or missing (silently).</summary>
public sealed class TestCommand : FsCommand
{
    private char _flag;

    public override string Name => "test";

    public override string Usage => "-test -[defsz] <path>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["e", "d", "f", "s", "z"], 1, 1);
        var given = new[] { 'e', 'd', 'f', 's', 'z' }.Where(f => options.Has(f.ToString())).ToList();
        if (given.Count == 0)
        {
            throw new UsageException("No test flag given");
        }

        if (given.Count > 1)
        {
            throw new UsageException("Only one test flag is allowed");
        }

        _flag = given[0];
        return options.Arguments;
    }

    protected override Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        var isDirectory = status.Type == FileType.Directory;
        var result = _flag switch
        {
            'e' => true,
            'd' => isDirectory,
            'f' => !isDirectory,
            's' => status.Length > 0,
            _ => status.Length == 0,
        };
        ExitCode = result ? 0 : 1;
        return Task.CompletedTask;
    }

    protected override Task ProcessMissingAsync(JfsPath path)
    {
        ExitCode = 1;
        return Task.CompletedTask;
    }
}
