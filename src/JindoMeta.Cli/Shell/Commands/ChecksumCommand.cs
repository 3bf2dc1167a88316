using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-checksum [-v] src...`: "PATH\tALGORITHM\tHEX" per file, HDFS's MD5-of-MD5-of-CRC32C (the same bytes in the same blocks give HDFS's value).</summary>
public sealed class ChecksumCommand : FsCommand
{
    private bool _verbose;

    public override string Name => "checksum";

    public override string Usage => "-checksum [-v] <src> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["v"], 1);
        _verbose = options.Has("v");
        return options.Arguments;
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type == FileType.Directory)
        {
            throw ShellException.IsDirectory(path);
        }

        var checksum = await Client.GetFileChecksumAsync(new GetFileChecksumRequest { Namespace = path.Namespace, Path = path.Path }).ConfigureAwait(false);
        var hex = Convert.ToHexStringLower(checksum.Checksum.Span);
        Out.WriteLine(_verbose ? $"{path}\t{checksum.Algorithm}\t{hex}\t{checksum.Length}" : $"{path}\t{checksum.Algorithm}\t{hex}");
    }
}
