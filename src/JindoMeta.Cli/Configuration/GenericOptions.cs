namespace JindoMeta.Cli.Configuration;

/// <summary>
/// Options accepted before or right after the tool name (`jindo --rpc-address h:p fs -ls ...` or
/// `jindo fs -D k=v -ls ...`): --rpc-address, --timeout SECONDS, --user NAME, -D key=value (or -Dkey=value).
/// </summary>
public sealed class GenericOptions
{
    public string? RpcAddress { get; private set; }

    public string? Timeout { get; private set; }

    public string? User { get; private set; }

    public Dictionary<string, string> Definitions { get; } = new(StringComparer.Ordinal);

    /// <summary>Consumes generic options from <paramref name="args"/> starting at <paramref name="index"/>; returns the next index.</summary>
    public int Consume(IReadOnlyList<string> args, int index)
    {
        while (index < args.Count)
        {
            var arg = args[index];
            string Next() => index + 1 < args.Count ? args[++index] : throw new FormatException($"{arg} needs a value");
            switch (arg)
            {
                case "--rpc-address":
                    RpcAddress = Next();
                    break;
                case "--timeout":
                    Timeout = Next();
                    break;
                case "--user":
                    User = Next();
                    break;
                case "-D":
                    Define(Next());
                    break;
                default:
                    if (arg.StartsWith("-D", StringComparison.Ordinal) && arg.Length > 2)
                    {
                        Define(arg[2..]);
                        break;
                    }

                    return index;
            }

            index++;
        }

        return index;
    }

    private void Define(string definition)
    {
        var equals = definition.IndexOf('=');
        if (equals <= 0)
        {
            throw new FormatException($"-D {definition}: expected key=value");
        }

        Definitions[definition[..equals].Trim()] = definition[(equals + 1)..].Trim();
    }
}
