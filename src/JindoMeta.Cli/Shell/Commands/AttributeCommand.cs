using JindoMeta.Cli.Formatting;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// The shape -chmod, -chown and -chgrp share: `[-R] SPEC PATH...`, applied to each path and, with -R, to
/// everything below it.
/// </summary>
public abstract class AttributeCommand : FsCommand
{
    private bool _recursive;

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["R"], 2);
        _recursive = options.Has("R");
        try
        {
            ParseSpec(options.Arguments[0]);
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

    /// <summary>Reads the mode or owner argument; a <see cref="FormatException"/> becomes a usage error.</summary>
    protected abstract void ParseSpec(string spec);

    protected abstract Task ApplyAsync(JfsPath path, FileStatus status);
}
