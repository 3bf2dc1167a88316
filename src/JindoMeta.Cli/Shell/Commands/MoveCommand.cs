using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-mv src... dst`: a source moves into dst when dst is a directory, else becomes dst; the destination rules and
/// their messages are <see cref="CommandWithDestination"/>'s. As in Hadoop's Rename: an existing target is "File
/// exists"; a rename the server refuses for a reason Hadoop's rename() reports only as false is "Input/output error"
/// on the source.
/// </summary>
public sealed class MoveCommand : CommandWithDestination
{
    public override string Name => "mv";

    public override string Usage => "-mv <src> ... <dst>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, [], 2);
        return options.Arguments;
    }

    protected override async Task ProcessPathAsync(JfsPath source, FileStatus status, JfsPath target)
    {
        if (source.Namespace != target.Namespace)
        {
            throw new ShellException($"`{source}': Does not match target filesystem");
        }

        if (await Client.TryGetFileInfoAsync(target.Namespace, target.Path).ConfigureAwait(false) is not null)
        {
            throw ShellException.Exists(target);
        }

        try
        {
            await Client.RenameAsync(new RenameRequest { Namespace = source.Namespace, Source = source.Path, Destination = target.Path }).ConfigureAwait(false);
        }
        catch (JindoMetaException e) when (e.ErrorCode is JindoErrorCode.FileNotFound or JindoErrorCode.FileAlreadyExists
            or JindoErrorCode.ParentNotDirectory or JindoErrorCode.InvalidRename or JindoErrorCode.DirectoryNotEmpty)
        {
            throw ShellException.InputOutput(source);
        }
    }
}
