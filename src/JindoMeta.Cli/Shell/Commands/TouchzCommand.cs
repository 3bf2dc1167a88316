using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-touchz path...`: creates empty files; an existing empty file is created again (new times).</summary>
public sealed class TouchzCommand : FsCommand
{
    public override string Name => "touchz";

    public override string Usage => "-touchz <path> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args) => CommandLineOptions.Parse(args, [], 1).Arguments;

    protected override Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type == FileType.Directory)
        {
            throw ShellException.IsDirectory(path);
        }

        return status.Length != 0 ? throw new ShellException($"`{path}': Not a zero-length file") : TouchAsync(path);
    }

    protected override async Task ProcessMissingAsync(JfsPath path)
    {
        if (path.Parent() is { } parent && await Client.TryGetFileInfoAsync(parent.Namespace, parent.Path).ConfigureAwait(false) is null)
        {
            throw ShellException.NotFound(path);
        }

        await TouchAsync(path).ConfigureAwait(false);
    }

    private async Task TouchAsync(JfsPath path)
    {
        await Client.CreateAsync(new CreateRequest { Namespace = path.Namespace, Path = path.Path, Overwrite = true }).ConfigureAwait(false);
        await Client.CompleteAsync(new CompleteRequest { Namespace = path.Namespace, Path = path.Path, Length = 0 }).ConfigureAwait(false);
    }
}
