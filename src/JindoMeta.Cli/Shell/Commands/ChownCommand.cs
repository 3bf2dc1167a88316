using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-chown [-R] [OWNER][:[GROUP]] path...`, and `-chgrp [-R] GROUP path...` when <paramref name="groupOnly"/>.</summary>
public sealed class ChownCommand(bool groupOnly) : FsCommand
{
    private bool _recursive;
    private OwnerSpec _spec = null!;

    public override string Name => groupOnly ? "chgrp" : "chown";

    public override string Usage => groupOnly ? "-chgrp [-R] GROUP PATH..." : "-chown [-R] [OWNER][:[GROUP]] PATH...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["R"], 2);
        _recursive = options.Has("R");
        try
        {
            _spec = OwnerSpec.Parse(groupOnly ? ":" + options.Arguments[0] : options.Arguments[0]);
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

    private async Task ApplyAsync(JfsPath path, FileStatus _)
    {
        var request = new SetOwnerRequest { Namespace = path.Namespace, Path = path.Path };
        if (_spec.Owner is { } owner)
        {
            request.Owner = owner;
        }

        if (_spec.Group is { } group)
        {
            request.Group = group;
        }

        await Client.SetOwnerAsync(request).ConfigureAwait(false);
    }
}
