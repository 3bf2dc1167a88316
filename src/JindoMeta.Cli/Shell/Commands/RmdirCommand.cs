using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-rmdir [--ignore-fail-on-non-empty] dir...`: removes empty directories.</summary>
public sealed class RmdirCommand : FsCommand
{
    private bool _ignoreNonEmpty;

    public override string Name => "rmdir";

    public override string Usage => "-rmdir [--ignore-fail-on-non-empty] <dir> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["-ignore-fail-on-non-empty"], 1);
        _ignoreNonEmpty = options.Has("-ignore-fail-on-non-empty");
        return options.Arguments;
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type != FileType.Directory)
        {
            throw ShellException.NotDirectory(path);
        }

        try
        {
            await Client.DeleteAsync(new DeleteRequest { Namespace = path.Namespace, Path = path.Path, Recursive = false }).ConfigureAwait(false);
        }
        catch (JindoMetaException e) when (e.ErrorCode == JindoErrorCode.DirectoryNotEmpty)
        {
            if (!_ignoreNonEmpty)
            {
                throw ShellException.NotEmpty(path);
            }
        }
    }
}
