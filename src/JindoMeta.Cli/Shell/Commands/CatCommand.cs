using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-cat [-ignoreCrc] src...`: each file's bytes to standard output, checksums verified (a bad block fails, naming the file, before its bytes are printed).</summary>
public sealed class CatCommand : FsCommand
{
    public override string Name => "cat";

    public override string Usage => "-cat [-ignoreCrc] <src> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args) => CommandLineOptions.Parse(args, ["ignoreCrc"], 1).Arguments;

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type == FileType.Directory)
        {
            throw ShellException.IsDirectory(path);
        }

        await FileCopy.ReadAsync(Client, path, Context.WriteDataAsync).ConfigureAwait(false);
        await Context.FlushDataAsync().ConfigureAwait(false);
    }
}
