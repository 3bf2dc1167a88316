using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>`-appendToFile localsrc... dst`: the local files (or `-`, standard input) added to the end of dst, which is created when missing.</summary>
public sealed class AppendToFileCommand : FsCommand
{
    public override string Name => "appendToFile";

    public override string Usage => "-appendToFile <localsrc> ... <dst>";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args) => CommandLineOptions.Parse(args, [], 2).Arguments;

    protected override async Task ProcessArgumentsAsync(IReadOnlyList<string> arguments)
    {
        var sources = new List<Func<Stream>>();
        foreach (var source in arguments.Take(arguments.Count - 1))
        {
            if (source == "-")
            {
                sources.Add(Console.OpenStandardInput);
            }
            else if (!File.Exists(source))
            {
                ReportError($"`{source}': No such file or directory");
                return;
            }
            else
            {
                sources.Add(() => new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.SequentialScan));
            }
        }

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

        await GuardAsync(destination, () => FileCopy.AppendAsync(Client, sources, destination)).ConfigureAwait(false);
    }

    protected override Task ProcessArgumentAsync(JfsPath path, FileStatus status) => throw new InvalidOperationException("appendToFile handles its arguments itself");
}
