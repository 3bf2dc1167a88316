using JindoMeta.Client;

namespace JindoMeta.Cli.Shell;

/// <summary>What every verb runs with: the client, the output streams and the local time zone.</summary>
public sealed class ShellContext(JindoMetaClient client, TextWriter output, TextWriter error, TimeZoneInfo timeZone)
{
    public JindoMetaClient Client { get; } = client;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public TimeZoneInfo TimeZone { get; } = timeZone;
}
