using JindoMeta.Client;

namespace JindoMeta.Cli.Shell;

/// <summary>What every verb runs with: the client, the output streams, the local time zone and the caller's home.</summary>
public sealed class ShellContext(JindoMetaClient client, TextWriter output, TextWriter error, TimeZoneInfo timeZone, string? user = null)
{
    public JindoMetaClient Client { get; } = client;

    public TextWriter Out { get; } = output;

    public TextWriter Error { get; } = error;

    public TimeZoneInfo TimeZone { get; } = timeZone;

    /// <summary>
    /// Where relative paths resolve: the home directory /user/NAME of the user the CLI calls as (Hadoop's
    /// FileSystem.getHomeDirectory; the shell never changes directory). Without a name, that of
    /// <see cref="JindoMetaClientOptions.DefaultUser"/>.
    /// </summary>
    public string WorkingDirectory { get; } = "/user/" + (user ?? JindoMetaClientOptions.DefaultUser());
}
