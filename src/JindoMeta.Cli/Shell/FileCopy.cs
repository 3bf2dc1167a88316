using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell;

/// <summary>
/// Writing a file from a stream as Hadoop's shell does (-put, -cp, -appendToFile): into "NAME._COPYING_" beside the
/// target, renamed onto it once complete, so the target never shows partial data; on failure the temporary file
/// is removed (and if the shell itself dies, lease recovery removes it).
/// </summary>
public static class FileCopy
{
    public const string CopyingSuffix = "._COPYING_";
    private const int ReadBytes = 1024 * 1024; // few large reads of the source; the writer cuts them into messages

    /// <summary>Copies <paramref name="source"/> to <paramref name="target"/>; <paramref name="direct"/> skips the temporary file (-d).</summary>
    public static async Task<FileStatus?> WriteAsync(JindoMetaClient client, Stream source, JfsPath target, bool overwrite, bool direct)
    {
        var existing = await client.TryGetFileInfoAsync(target.Namespace, target.Path).ConfigureAwait(false);
        if (existing is not null)
        {
            if (existing.Type == FileType.Directory)
            {
                throw ShellException.IsDirectory(target);
            }

            if (!overwrite)
            {
                throw ShellException.Exists(target);
            }
        }
        else if (target.Parent() is { } parent && await client.TryGetFileInfoAsync(parent.Namespace, parent.Path).ConfigureAwait(false) is not { Type: FileType.Directory })
        {
            throw ShellException.NotFound(target);
        }

        var written = direct ? target : target with { Path = target.Path + CopyingSuffix, Display = target.Display + CopyingSuffix };
        try
        {
            await using (var writer = await FileWriter.CreateAsync(client, new CreateRequest { Namespace = written.Namespace, Path = written.Path, Overwrite = true }).ConfigureAwait(false))
            {
                await CopyAsync(source, writer).ConfigureAwait(false);
                await writer.CompleteAsync().ConfigureAwait(false);
            }

            return direct ? null : await client.RenameAsync(new RenameRequest { Namespace = target.Namespace, Source = written.Path, Destination = target.Path, Overwrite = true })
                .ConfigureAwait(false);
        }
        catch when (!direct)
        {
            await TryDeleteAsync(client, written).ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Adds <paramref name="source"/> to the end of <paramref name="target"/>, creating it when missing.</summary>
    public static async Task AppendAsync(JindoMetaClient client, IReadOnlyList<Func<Stream>> sources, JfsPath target)
    {
        var existing = await client.TryGetFileInfoAsync(target.Namespace, target.Path).ConfigureAwait(false);
        if (existing is { Type: FileType.Directory })
        {
            throw ShellException.IsDirectory(target);
        }

        await using var writer = existing is null
            ? await FileWriter.CreateAsync(client, new CreateRequest { Namespace = target.Namespace, Path = target.Path }).ConfigureAwait(false)
            : await FileWriter.AppendAsync(client, target.Namespace, target.Path).ConfigureAwait(false);
        foreach (var open in sources)
        {
            await using var source = open();
            await CopyAsync(source, writer).ConfigureAwait(false);
        }

        await writer.CompleteAsync().ConfigureAwait(false);
    }

    /// <summary>Every byte of a file, in the pieces the server sends, to <paramref name="sink"/>.</summary>
    public static async Task ReadAsync(JindoMetaClient client, JfsPath path, Func<ReadOnlyMemory<byte>, Task> sink, long offset = 0)
    {
        await foreach (var chunk in client.ReadAsync(path.Namespace, path.Path, offset).ConfigureAwait(false))
        {
            await sink(chunk).ConfigureAwait(false);
        }
    }

    private static async Task CopyAsync(Stream source, FileWriter writer)
    {
        var buffer = new byte[ReadBytes];
        while (true)
        {
            // Fill whole pieces where the source allows (a pipe returns what it has): fewer, fuller messages.
            var filled = 0;
            while (filled < buffer.Length)
            {
                var read = await source.ReadAsync(buffer.AsMemory(filled)).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }

            if (filled == 0)
            {
                return;
            }

            await writer.WriteAsync(buffer.AsMemory(0, filled)).ConfigureAwait(false);
            if (filled < buffer.Length)
            {
                return;
            }
        }
    }

    private static async Task TryDeleteAsync(JindoMetaClient client, JfsPath path)
    {
        try
        {
            await client.DeleteAsync(new DeleteRequest { Namespace = path.Namespace, Path = path.Path }).ConfigureAwait(false);
        }
        catch (JindoMetaException)
        {
            // Lease recovery removes it if this could not.
        }
    }
}
