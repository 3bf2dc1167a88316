using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-mkdir [-p] path...`: without -p the parent must exist and the path must not.</summary>
public sealed class MkdirCommand : FsCommand
{
    private bool _parents;

    public override string Name => "mkdir";

    public override string Usage => "-mkdir [-p] <path> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["p"], 1);
        _parents = options.Has("p");
        return options.Arguments;
    }

    protected override Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type != FileType.Directory)
        {
            throw ShellException.NotDirectory(path);
        }

        return _parents ? Task.CompletedTask : throw ShellException.Exists(path);
    }

    protected override async Task ProcessMissingAsync(JfsPath path)
    {
        if (!_parents && path.Parent() is { } parent && await Client.TryGetFileInfoAsync(parent.Namespace, parent.Path).ConfigureAwait(false) is null)
        {
            throw ShellException.NotFound(path);
        }

        await Client.MkdirsAsync(new MkdirsRequest { Namespace = path.Namespace, Path = path.Path, CreateParent = _parents }).ConfigureAwait(false);
    }
}
