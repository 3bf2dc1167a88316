namespace JindoMeta.Server.Configuration;

/// <summary>`jindometa [--config FILE] [-D key=value]... [--print-config] [--help]`.</summary>
public sealed record ServerCommandLine(string? ConfigFile, IReadOnlyList<string> Overrides, bool PrintConfig, bool Help)
{
    public const string Usage = """
        usage: jindometa [--config FILE] [-D key=value]... [--print-config] [--help]
          --config FILE    read settings from FILE (key = value lines); default: $JINDOMETA_CONFIG if set
          -D key=value     set one key (repeatable); wins over the file and the environment
          --print-config   print the effective configuration (secrets masked) and exit
        Settings are layered: defaults, then the file, then JINDOMETA_<KEY> environment variables, then -D.
        The keys and their defaults are documented in config/jindometa.cfg.
        """;

    public static ServerCommandLine Parse(IReadOnlyList<string> args, string? environmentConfig)
    {
        string? config = environmentConfig;
        var overrides = new List<string>();
        var print = false;
        var help = false;
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            switch (arg)
            {
                case "--config":
                    config = i + 1 < args.Count ? args[++i] : throw new ConfigException("--config needs a file name");
                    break;
                case "-D":
                    overrides.Add(i + 1 < args.Count ? args[++i] : throw new ConfigException("-D needs key=value"));
                    break;
                case "--print-config":
                    print = true;
                    break;
                case "--help" or "-h":
                    help = true;
                    break;
                default:
                    if (arg.StartsWith("-D", StringComparison.Ordinal) && arg.Length > 2)
                    {
                        overrides.Add(arg[2..]);
                        break;
                    }

                    throw new ConfigException($"unknown argument '{arg}' (see --help)");
            }
        }

        return new ServerCommandLine(config, overrides, print, help);
    }
}
