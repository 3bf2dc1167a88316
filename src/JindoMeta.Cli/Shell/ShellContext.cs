using System.Text;
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

    /// <summary>
    /// File bytes to standard output as they are (-cat, -text, -tail): straight to the stream under <see cref="Out"/>
    /// after what was printed before; a writer with no stream under it (tests) gets them as UTF-8 text.
    /// </summary>
    public async Task WriteDataAsync(ReadOnlyMemory<byte> data)
    {
        if (Out is StreamWriter { BaseStream: var stream } writer)
        {
            await writer.FlushAsync().ConfigureAwait(false);
            await stream.WriteAsync(data).ConfigureAwait(false);
        }
        else
        {
            await Out.WriteAsync(Encoding.UTF8.GetString(data.Span)).ConfigureAwait(false);
        }
    }

    public async Task FlushDataAsync()
    {
        await Out.FlushAsync().ConfigureAwait(false);
        if (Out is StreamWriter { BaseStream: var stream })
        {
            await stream.FlushAsync().ConfigureAwait(false);
        }
    }
}
