using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-put` / `-copyFromLocal [-f] [-p] [-l] [-d] localsrc... dst`: local files (or `-`, standard input) into the
/// namespace, through "._COPYING_" files (<see cref="FileCopy"/>). A directory source is copied with its tree.
/// </summary>
public sealed class PutCommand(string name) : FsCommand
{
    private bool _overwrite;
    private bool _preserve;
    private bool _direct;

    public override string Name => name;

    public override string Usage => $"-{name} [-f] [-p] [-l] [-d] <localsrc> ... <dst>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["f", "p", "l", "d"], 1);
        _overwrite = options.Has("f");
        _preserve = options.Has("p");
        _direct = options.Has("d"); // -l (lazy persist) has no meaning for an object store: accepted, ignored
        return options.Arguments.Count == 1 ? [options.Arguments[0], "."] : options.Arguments;
    }

    protected override async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        JfsPath destination;
        try
        {
            destination = ParsePath(arguments[^1]);
        }
        catch (ShellException e)
        {
            ReportError(e.Message);
            return;
        }

        var sources = arguments.Take(arguments.Count - 1).ToList();
        FileStatus? status = null;
        await GuardAsync(destination, async () => status = await Client.TryGetFileInfoAsync(destination.Namespace, destination.Path).ConfigureAwait(false)).ConfigureAwait(false);
        var intoDirectory = status?.Type == FileType.Directory;
        if (sources.Count > 1 && !intoDirectory)
        {
            ReportError((status is null ? ShellException.NotFound(destination) : ShellException.NotDirectory(destination)).Message);
            return;
        }

        foreach (var source in sources)
        {
            if (source == "-")
            {
                await GuardAsync(destination, async () =>
                {
                    await using var input = Console.OpenStandardInput();
                    await FileCopy.WriteAsync(Client, input, intoDirectory ? throw ShellException.IsDirectory(destination) : destination, _overwrite, _direct).ConfigureAwait(false);
                }).ConfigureAwait(false);
                continue;
            }

            var target = intoDirectory ? destination.Child(Path.GetFileName(Path.TrimEndingDirectorySeparator(source))) : destination;
            await GuardAsync(target, () => CopyAsync(source, target)).ConfigureAwait(false);
        }
    }

    protected override Task ProcessArgumentAsync(JfsPath path, FileStatus status) => throw new InvalidOperationException("put handles its arguments itself");

    private async Task CopyAsync(string local, JfsPath target)
    {
        if (Directory.Exists(local))
        {
            if (await Client.TryGetFileInfoAsync(target.Namespace, target.Path).ConfigureAwait(false) is null)
            {
                await Client.MkdirsAsync(new MkdirsRequest { Namespace = target.Namespace, Path = target.Path }).ConfigureAwait(false);
            }

            foreach (var entry in Directory.EnumerateFileSystemEntries(local).Order(StringComparer.Ordinal))
            {
                var child = target.Child(Path.GetFileName(entry));
                await GuardAsync(child, () => CopyAsync(entry, child)).ConfigureAwait(false);
            }

            await PreserveAsync(local, target).ConfigureAwait(false);
            return;
        }

        if (!File.Exists(local))
        {
            throw new ShellException($"`{local}': No such file or directory");
        }

        await using (var input = new FileStream(local, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan))
        {
            await FileCopy.WriteAsync(Client, input, target, _overwrite, _direct).ConfigureAwait(false);
        }

        await PreserveAsync(local, target).ConfigureAwait(false);
    }

    /// <summary>-p: the local times and permission bits (ownership needs names .NET cannot read portably: left as created).</summary>
    private async Task PreserveAsync(string local, JfsPath target)
    {
        if (!_preserve)
        {
            return;
        }

        var info = new FileInfo(local);
        await Client.SetTimesAsync(new SetTimesRequest
        {
            Namespace = target.Namespace,
            Path = target.Path,
            ModificationTime = new DateTimeOffset(info.LastWriteTimeUtc).ToUnixTimeMilliseconds(),
            AccessTime = new DateTimeOffset(info.LastAccessTimeUtc).ToUnixTimeMilliseconds(),
        }).ConfigureAwait(false);
        if (!OperatingSystem.IsWindows())
        {
            await Client.SetPermissionAsync(new SetPermissionRequest { Namespace = target.Namespace, Path = target.Path, Permission = (uint)File.GetUnixFileMode(local) & 0x1FF })
                .ConfigureAwait(false);
        }
    }
}
