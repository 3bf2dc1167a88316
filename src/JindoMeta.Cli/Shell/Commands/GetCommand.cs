using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-get` / `-copyToLocal [-f] [-p] [-ignoreCrc] [-crc] src... localdst`: files (and trees) to the local disk, each
/// written to "NAME._COPYING_" and renamed into place once whole, as Hadoop does. Checksums are always verified:
/// -ignoreCrc and -crc are accepted (no .crc files are written).
/// </summary>
public sealed class GetCommand(string name) : FsCommand
{
    private bool _overwrite;
    private bool _preserve;
    private string _destination = ".";

    public override string Name => name;

    public override string Usage => $"-{name} [-f] [-p] [-ignoreCrc] [-crc] <src> ... <localdst>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["f", "p", "ignoreCrc", "crc"], 1);
        _overwrite = options.Has("f");
        _preserve = options.Has("p");
        return options.Arguments.Count == 1 ? [options.Arguments[0], "."] : options.Arguments;
    }

    protected override async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        var destination = _destination = arguments[^1];
        var sources = arguments.Take(arguments.Count - 1).ToList();
        if (sources.Count > 1 && !Directory.Exists(destination))
        {
            ReportError(File.Exists(destination) ? $"`{destination}': Is not a directory" : $"`{destination}': No such file or directory");
            return;
        }

        await base.ProcessArgumentsAsync(sources).ConfigureAwait(false);
    }

    protected override Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        var target = Directory.Exists(_destination) ? Path.Combine(_destination, path.Name.Length == 0 ? "root" : path.Name) : _destination;
        return CopyAsync(path, status, target);
    }

    private async Task CopyAsync(JfsPath source, FileStatus status, string target)
    {
        if (status.Type == FileType.Directory)
        {
            Directory.CreateDirectory(target);
            foreach (var (child, childStatus) in await ListChildrenAsync(source).ConfigureAwait(false))
            {
                await GuardAsync(child, () => CopyAsync(child, childStatus, Path.Combine(target, child.Name))).ConfigureAwait(false);
            }

            Preserve(status, target);
            return;
        }

        if ((File.Exists(target) && !_overwrite) || Directory.Exists(target))
        {
            throw new ShellException(Directory.Exists(target) ? $"`{target}': Is a directory" : $"`{target}': File exists");
        }

        var parent = Path.GetDirectoryName(Path.GetFullPath(target))!;
        if (!Directory.Exists(parent))
        {
            throw new ShellException($"`{target}': No such file or directory");
        }

        var temporary = target + FileCopy.CopyingSuffix;
        try
        {
            await using (var output = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, bufferSize: 1024 * 1024))
            {
                // Synchronous writes into the page cache: an asynchronous file write on Linux is the same call from the thread pool.
                await FileCopy.ReadAsync(Client, source, chunk =>
                {
                    output.Write(chunk.Span);
                    return Task.CompletedTask;
                }).ConfigureAwait(false);
            }

            File.Move(temporary, target, overwrite: true);
        }
        catch
        {
            File.Delete(temporary);
            throw;
        }

        Preserve(status, target);
    }

    private void Preserve(FileStatus status, string target)
    {
        if (!_preserve)
        {
            return;
        }

        File.SetLastWriteTimeUtc(target, DateTimeOffset.FromUnixTimeMilliseconds(status.ModificationTime).UtcDateTime);
        File.SetLastAccessTimeUtc(target, DateTimeOffset.FromUnixTimeMilliseconds(status.AccessTime).UtcDateTime);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(target, (UnixFileMode)(status.Permission & 0x1FF));
        }
    }
}
