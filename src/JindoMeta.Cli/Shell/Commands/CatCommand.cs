using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-cat path...`: the namespace service keeps metadata only, so file contents cannot be shown here.</summary>
public sealed class CatCommand : FsCommand
{
    public override string Name => "cat";

    public override string Usage => "-cat <src> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args) => CommandLineOptions.Parse(args, ["ignoreCrc"], 1).Arguments;

    protected override Task ProcessArgumentAsync(JfsPath path, FileStatus status) =>
        status.Type == FileType.Directory
            ? throw ShellException.IsDirectory(path)
            : throw new ShellException($"`{path}': File data is not served by the JindoMeta namespace service (metadata only); read it through the JindoFS data path");
}
