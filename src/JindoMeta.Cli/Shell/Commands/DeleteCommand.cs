using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-rm [-f] [-r|-R] [-skipTrash] path...`: prints "Deleted PATH" for each (there is no trash).</summary>
public sealed class DeleteCommand : FsCommand
{
    private bool _recursive;
    private bool _force;

    public override string Name => "rm";

    public override string Usage => "-rm [-f] [-r|-R] [-skipTrash] <src> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["f", "r", "R", "skipTrash", "safely"], 1);
        _recursive = options.Has("r") || options.Has("R");
        _force = options.Has("f");
        return options.Arguments;
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type == FileType.Directory && !_recursive)
        {
            throw ShellException.IsDirectory(path);
        }

        try
        {
            await Client.DeleteAsync(new DeleteRequest { Namespace = path.Namespace, Path = path.Path, Recursive = _recursive }).ConfigureAwait(false);
        }
        catch (JindoMetaException e) when (e.IsNotFound && _force)
        {
            return; // removed by someone else meanwhile: -f does not care
        }

        Out.WriteLine($"Deleted {path}");
    }

    protected override Task ProcessMissingAsync(JfsPath path) => _force ? Task.CompletedTask : base.ProcessMissingAsync(path);

    protected override void ReportNoMatch(string argument)
    {
        if (!_force)
        {
            base.ReportNoMatch(argument);
        }
    }
}
