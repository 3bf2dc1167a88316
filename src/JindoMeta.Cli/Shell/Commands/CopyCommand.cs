using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-cp [-f] [-p | -p[topax]] [-d] src... dst`: copies files and trees inside the namespaces, the data read and
/// written again (new blocks), through "._COPYING_" files unless -d. -p keeps times, ownership and permission.
/// </summary>
public sealed class CopyCommand : CommandWithDestination
{
    private bool _overwrite;
    private bool _preserve;
    private bool _direct;

    public override string Name => "cp";

    public override string Usage => "-cp [-f] [-p | -p[topax]] [-d] <src> ... <dst>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        // -p may name what it keeps (-ptop, -pa...): every kind this namespace has is kept either way.
        var normalized = args.TakeWhile(a => a.StartsWith('-') && a.Length > 1).Select(a => a.StartsWith("-p", StringComparison.Ordinal) && a.Length > 2 && a[2..].All("topax".Contains) ? "-p" : a)
            .Concat(args.SkipWhile(a => a.StartsWith('-') && a.Length > 1)).ToList();
        var options = CommandLineOptions.Parse(normalized, ["f", "p", "d"], 2);
        _overwrite = options.Has("f");
        _preserve = options.Has("p");
        _direct = options.Has("d");
        return options.Arguments;
    }

    protected override bool Overwrite => _overwrite;

    protected override Task ProcessPathAsync(JfsPath source, FileStatus status, JfsPath target) => CopyAsync(source, status, target);

    private async Task CopyAsync(JfsPath source, FileStatus status, JfsPath target)
    {
        if (status.Type == FileType.Directory)
        {
            var existing = await Client.TryGetFileInfoAsync(target.Namespace, target.Path).ConfigureAwait(false);
            if (existing is { Type: FileType.File })
            {
                throw ShellException.Exists(target);
            }

            if (existing is null)
            {
                await Client.MkdirsAsync(new MkdirsRequest { Namespace = target.Namespace, Path = target.Path }).ConfigureAwait(false);
            }

            foreach (var (child, childStatus) in await ListChildrenAsync(source).ConfigureAwait(false))
            {
                var childTarget = target.Child(child.Name);
                await GuardAsync(child, () => CopyAsync(child, childStatus, childTarget)).ConfigureAwait(false);
            }
        }
        else
        {
            await using var input = new FileReadStream(Client, source.Namespace, source.Path);
            await FileCopy.WriteAsync(Client, input, target, _overwrite, _direct).ConfigureAwait(false);
        }

        if (_preserve)
        {
            await PreserveAsync(status, target).ConfigureAwait(false);
        }
    }

    private async Task PreserveAsync(FileStatus status, JfsPath target)
    {
        await Client.SetTimesAsync(new SetTimesRequest { Namespace = target.Namespace, Path = target.Path, ModificationTime = status.ModificationTime, AccessTime = status.AccessTime })
            .ConfigureAwait(false);
        await Client.SetOwnerAsync(new SetOwnerRequest { Namespace = target.Namespace, Path = target.Path, Owner = status.Owner, Group = status.Group }).ConfigureAwait(false);
        await Client.SetPermissionAsync(new SetPermissionRequest { Namespace = target.Namespace, Path = target.Path, Permission = status.Permission }).ConfigureAwait(false);
    }
}
