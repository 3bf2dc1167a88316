using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-chmod [-R] MODE path...` (octal or symbolic, see <see cref="ModeChange"/>).</summary>
public sealed class ChmodCommand : FsCommand
{
    private bool _recursive;
    private ModeChange _mode = null!;

    public override string Name => "chmod";

    public override string Usage => "-chmod [-R] <MODE[,MODE]... | OCTALMODE> PATH...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["R"], 2);
        _recursive = options.Has("R");
        try
        {
            _mode = ModeChange.Parse(options.Arguments[0]);
        }
        catch (FormatException e)
        {
            throw new UsageException(e.Message);
        }

        return options.Arguments.Skip(1).ToList();
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        await ApplyAsync(path, status).ConfigureAwait(false);
        if (_recursive && status.Type == FileType.Directory)
        {
            await RecurseAsync(path, ApplyAsync).ConfigureAwait(false);
        }
    }

    private async Task ApplyAsync(JfsPath path, FileStatus status)
    {
        var permission = _mode.Apply(status.Permission, status.Type == FileType.Directory);
        await Client.SetPermissionAsync(new SetPermissionRequest { Namespace = path.Namespace, Path = path.Path, Permission = permission }).ConfigureAwait(false);
    }
}
