using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-mv src... dst`: a source moves into dst when dst is a directory, else becomes dst. As in Hadoop: several
/// sources need an existing directory; an existing target is "File exists"; a directory cannot move below itself;
/// a rename the server refuses for a reason Hadoop's rename() reports only as false is "Input/output error".
/// </summary>
public sealed class MoveCommand : FsCommand
{
    private JfsPath _destination = null!;
    private FileStatus? _destinationStatus;

    public override string Name => "mv";

    public override string Usage => "-mv <src> ... <dst>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, [], 2);
        return options.Arguments;
    }

    protected override async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        try
        {
            _destination = JfsPath.Parse(arguments[^1]);
            _destinationStatus = await Client.TryGetFileInfoAsync(_destination.Namespace, _destination.Path).ConfigureAwait(false);
        }
        catch (ShellException e)
        {
            ReportError(e.Message);
            return;
        }
        catch (JindoMetaException e)
        {
            ReportError(Describe(e, null));
            return;
        }

        if (arguments.Count > 2 && _destinationStatus is null)
        {
            ReportError(ShellException.NotFound(_destination).Message);
            return;
        }

        if (arguments.Count > 2 && _destinationStatus!.Type != FileType.Directory)
        {
            ReportError(ShellException.NotDirectory(_destination).Message);
            return;
        }

        await base.ProcessArgumentsAsync(arguments.Take(arguments.Count - 1).ToList()).ConfigureAwait(false);
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (path.Namespace != _destination.Namespace)
        {
            throw new ShellException($"`{path}': Does not match target filesystem");
        }

        var target = _destinationStatus is { Type: FileType.Directory } ? _destination.Child(path.Name) : _destination;
        if (status.Type == FileType.Directory)
        {
            if (target.Path == path.Path)
            {
                throw new ShellException($"`{path}' to `{target}': are identical");
            }

            if (target.Path.StartsWith(path.IsRoot ? "/" : path.Path + "/", StringComparison.Ordinal))
            {
                throw new ShellException($"`{path}' to `{target}': is a subdirectory of itself");
            }
        }

        if (await Client.TryGetFileInfoAsync(target.Namespace, target.Path).ConfigureAwait(false) is not null)
        {
            throw ShellException.Exists(target);
        }

        try
        {
            await Client.RenameAsync(new RenameRequest { Namespace = path.Namespace, Source = path.Path, Destination = target.Path }).ConfigureAwait(false);
        }
        catch (JindoMetaException e) when (e.ErrorCode is JindoErrorCode.FileNotFound or JindoErrorCode.FileAlreadyExists
            or JindoErrorCode.ParentNotDirectory or JindoErrorCode.InvalidRename or JindoErrorCode.DirectoryNotEmpty)
        {
            throw ShellException.InputOutput(path);
        }
    }
}
