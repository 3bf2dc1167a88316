using System.IO.Compression;
using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Shell.Commands;

/// <summary>
/// `-text [-ignoreCrc] src...`: like -cat, but a gzip file (by its magic bytes, as Hadoop's codec detection
/// finds it) is printed decompressed. Hadoop's SequenceFile and Avro decoding are not offered.
/// </summary>
public sealed class TextCommand : FsCommand
{
    public override string Name => "text";

    public override string Usage => "-text [-ignoreCrc] <src> ...";

    protected override IReadOnlyList<string> ParseOptions(IReadOnlyList<string> args) => CommandLineOptions.Parse(args, ["ignoreCrc"], 1).Arguments;

    protected override async Task ProcessArgumentAsync(JfsPath path, FileStatus status)
    {
        if (status.Type == FileType.Directory)
        {
            throw ShellException.IsDirectory(path);
        }

        await using var file = new FileReadStream(Client, path.Namespace, path.Path);
        var first = await file.ReadChunkAsync().ConfigureAwait(false);
        if (first.Length >= 2 && first.Span[0] == 0x1F && first.Span[1] == 0x8B)
        {
            await using var gzip = new GZipStream(new PrefixedStream(first, file), CompressionMode.Decompress);
            var buffer = new byte[64 * 1024];
            int read;
            while ((read = await gzip.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                await Context.WriteDataAsync(buffer.AsMemory(0, read)).ConfigureAwait(false);
            }
        }
        else
        {
            for (var chunk = first; chunk.Length > 0; chunk = await file.ReadChunkAsync().ConfigureAwait(false))
            {
                await Context.WriteDataAsync(chunk).ConfigureAwait(false);
            }
        }

        await Context.FlushDataAsync().ConfigureAwait(false);
    }

    /// <summary>The bytes already taken off the stream, then the stream.</summary>
    private sealed class PrefixedStream(ReadOnlyMemory<byte> prefix, Stream rest) : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (prefix.Length == 0)
            {
                return await rest.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            }

            var take = Math.Min(prefix.Length, buffer.Length);
            prefix[..take].CopyTo(buffer);
            prefix = prefix[take..];
            return take;
        }

        public override int Read(byte[] buffer, int offset, int count) => ReadAsync(buffer.AsMemory(offset, count)).AsTask().GetAwaiter().GetResult();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
