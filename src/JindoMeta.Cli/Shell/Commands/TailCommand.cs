using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-tail [-f] file`: the last kilobyte; with -f, what is added later too (checked every 5 s, as Hadoop's -f does), until interrupted.</summary>
public sealed class TailCommand : FsCommand
{
    private const long TailBytes = 1024;
    private static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(5);
    private bool _follow;

    public override string Name => "tail";

    public override string Usage => "-tail [-f] <file>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args)
    {
        var options = CommandLineOptions.Parse(args, ["f"], 1, 1);
        _follow = options.Has("f");
        return options.Arguments;
    }

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type == FileType.Directory)
        {
            throw ShellException.IsDirectory(path);
        }

        var offset = Math.Max(0, status.Length - TailBytes);
        while (true)
        {
            await FileCopy.ReadAsync(Client, path, Context.WriteDataAsync, offset).ConfigureAwait(false);
            await Context.FlushDataAsync().ConfigureAwait(false);
            offset = Math.Max(offset, status.Length);
            if (!_follow)
            {
                return;
            }

            do
            {
                await Task.Delay(FollowInterval).ConfigureAwait(false);
                status = await Client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = path.Namespace, Path = path.Path }).ConfigureAwait(false);
            }
            while (status.Length <= offset);
        }
    }
}
