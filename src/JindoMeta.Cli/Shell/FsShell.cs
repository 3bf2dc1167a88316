using System.Text;
using JindoMeta.Cli.Shell.Commands;

namespace JindoMeta.Cli.Shell;

/// <summary>`jindo fs -VERB ...`: picks the verb, runs it, and turns usage errors into Hadoop's message and exit code 255.</summary>
public static class FsShell
{
    public const int UsageExitCode = 255; // Hadoop's FsShell returns -1

    private static readonly Dictionary<string, Func<FsCommand>> Verbs = new(StringComparer.Ordinal)
    {
        ["-ls"] = () => new ListCommand(),
        ["-count"] = () => new CountCommand(),
        ["-du"] = () => new DiskUsageCommand(),
        ["-stat"] = () => new StatCommand(),
        ["-test"] = () => new TestCommand(),
        ["-mkdir"] = () => new MkdirCommand(),
        ["-rm"] = () => new DeleteCommand(),
        ["-rmdir"] = () => new RmdirCommand(),
        ["-mv"] = () => new MoveCommand(),
        ["-touchz"] = () => new TouchzCommand(),
        ["-chmod"] = () => new ChmodCommand(),
        ["-chown"] = () => new ChownCommand(groupOnly: false),
        ["-chgrp"] = () => new ChownCommand(groupOnly: true),
        ["-cat"] = () => new CatCommand(),
        ["-text"] = () => new TextCommand(),
        ["-tail"] = () => new TailCommand(),
        ["-put"] = () => new PutCommand("put"),
        ["-copyFromLocal"] = () => new PutCommand("copyFromLocal"),
        ["-get"] = () => new GetCommand("get"),
        ["-copyToLocal"] = () => new GetCommand("copyToLocal"),
        ["-appendToFile"] = () => new AppendToFileCommand(),
        ["-cp"] = () => new CopyCommand(),
        ["-getmerge"] = () => new GetMergeCommand(),
        ["-checksum"] = () => new ChecksumCommand(),
        ["-setrep"] = () => new SetrepCommand(),
    };

    public static string Usage()
    {
        var text = new StringBuilder("Usage: jindo fs [generic options]\n");
        foreach (var create in Verbs.Values)
        {
            text.Append("\t[").Append(create().Usage).Append("]\n");
        }

        return text.ToString();
    }

    /// <summary>Whether the first argument names a verb of this shell.</summary>
    public static bool IsVerb(string argument) => Verbs.ContainsKey(argument);

    public static async Task<int> RunAsync(Func<ShellContext> context, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] is "-help" or "-usage" or "--help")
        {
            (args.Count == 0 ? error : output).Write(Usage());
            return args.Count == 0 ? UsageExitCode : 0;
        }

        if (!Verbs.TryGetValue(args[0], out var create))
        {
            error.WriteLine($"{args[0]}: Unknown command");
            error.Write(Usage());
            return UsageExitCode;
        }

        var command = create();
        try
        {
            return await command.RunAsync(context(), args.Skip(1).ToList()).ConfigureAwait(false);
        }
        catch (UsageException e)
        {
            error.WriteLine($"-{command.Name}: {e.Message}");
            error.WriteLine($"Usage: jindo fs [generic options] {command.Usage}");
            return UsageExitCode;
        }
    }
}
