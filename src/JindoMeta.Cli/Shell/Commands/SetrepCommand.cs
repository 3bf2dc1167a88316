using System.Globalization;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-setrep [-R] [-w] rep path...`: records the replication of each file (a directory's files, recursively, as
/// Hadoop does with or without -R). The block store keeps its own copies, so -w has nothing to wait for.
/// </summary>
public sealed class SetrepCommand : FsCommand
{
    private short _replication;
    private bool _wait;
    private readonly List<JfsPath> _changed = [];

    public override string Name => "setrep";

    public override string Usage => "-setrep [-R] [-w] <rep> <path> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["R", "w"], 2);
        _wait = options.Has("w");
        if (!short.TryParse(options.Arguments[0], NumberStyles.None, CultureInfo.InvariantCulture, out _replication) || _replication < 1)
        {
            throw new UsageException($"Invalid replication factor: {options.Arguments[0]}"); // HadoopIllegalArgumentException's wording
        }

        return options.Arguments.Skip(1).ToList();
    }

    protected override async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        await base.ProcessArgumentsAsync(arguments).ConfigureAwait(false);
        if (_wait)
        {
            foreach (var path in _changed)
            {
                Out.WriteLine($"Waiting for {path} ... done");
            }
        }
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type == FileType.Directory)
        {
            await RecurseAsync(path, (child, childStatus) => childStatus.Type == FileType.Directory ? Task.CompletedTask : SetAsync(child)).ConfigureAwait(false);
            return;
        }

        await SetAsync(path).ConfigureAwait(false);
    }

    private async Task SetAsync(JfsPath path)
    {
        await Client.SetReplicationAsync(new SetReplicationRequest { Namespace = path.Namespace, Path = path.Path, Replication = _replication }).ConfigureAwait(false);
        Out.WriteLine($"Replication {_replication} set: {path}");
        _changed.Add(path);
    }
}
