namespace JindoMeta.Cli.Shell;

/// <summary>
/// A verb's single-letter flags and its arguments, parsed as Hadoop's CommandFormat does: flags come first, each
/// on its own ("-r -f", not "-rf"); the first argument that is not a known flag ends them ("-" alone is an argument).
/// </summary>
public sealed class CommandLineOptions
{
    private readonly HashSet<string> _flags = new(StringComparer.Ordinal);

    private CommandLineOptions(List<string> arguments) => Arguments = arguments;

    public IReadOnlyList<string> Arguments { get; }

    public bool Has(string flag) => _flags.Contains(flag);

    public static CommandLineOptions Parse(IReadOnlyList<string> args, IReadOnlyCollection<string> allowedFlags, int minArguments, int maxArguments = int.MaxValue)
    {
        var index = 0;
        var flags = new HashSet<string>(StringComparer.Ordinal);
        while (index < args.Count && args[index].Length > 1 && args[index][0] == '-')
        {
            var flag = args[index][1..];
            if (flag == "-")
            {
                index++;
                break;
            }

            if (!allowedFlags.Contains(flag))
            {
                // A negative number or a path that starts with '-' is not expected by any verb here.
                throw new UsageException($"Illegal option {args[index]}");
            }

            flags.Add(flag);
            index++;
        }

        var arguments = args.Skip(index).ToList();
        if (arguments.Count < minArguments)
        {
            throw new UsageException($"Not enough arguments: expected {minArguments} but got {arguments.Count}");
        }

        if (arguments.Count > maxArguments)
        {
            throw new UsageException($"Too many arguments: expected {maxArguments} but got {arguments.Count}");
        }

        var options = new CommandLineOptions(arguments);
        options._flags.UnionWith(flags);
        return options;
    }
}
