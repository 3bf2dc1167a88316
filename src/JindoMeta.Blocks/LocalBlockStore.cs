using System.Runtime.CompilerServices;
using Microsoft.Win32.SafeHandles;

namespace JindoMeta.Blocks;

/// <summary>
/// Objects as files under one directory (object name = relative path). A write goes to a temporary file beside its
/// target, is flushed to disk, renamed into place and the directory flushed, so an object is either whole and
/// durable or absent after a crash. Temporary files of writes that never committed are swept by
/// <see cref="ListAsync"/>'s caller like any other unreferenced object (their names end in <see cref="TempSuffix"/>).
/// </summary>
public sealed class LocalBlockStore : IBlockStore
{
    public const string TempSuffix = ".writing";
    private readonly string _root;

    public LocalBlockStore(string root)
    {
        _root = Path.GetFullPath(root);
        Directory.CreateDirectory(_root);
    }

    public string Type => "local";

    public string Location => _root;

    public int PreferredReadBytes => 1024 * 1024;

    public ValueTask<IObjectWriter> OpenWriteAsync(string objectName, CancellationToken cancellationToken)
    {
        var target = PathOf(objectName);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var temporary = $"{target}.{Guid.NewGuid():N}{TempSuffix}";
        var stream = new FileStream(temporary, new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            BufferSize = 0, // writes arrive in large pieces already
            // Synchronous: a write into the page cache is a memory copy; on Linux "asynchronous" file writes are
            // the same call made from the thread pool, one hop per message.
        });
        return ValueTask.FromResult<IObjectWriter>(new LocalObjectWriter(stream, temporary, target));
    }

    public async ValueTask ReadAsync(string objectName, long offset, Memory<byte> destination, CancellationToken cancellationToken)
    {
        SafeFileHandle handle;
        try
        {
            handle = File.OpenHandle(PathOf(objectName), FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, FileOptions.Asynchronous);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            throw new BlockNotFoundException($"Block object {objectName} is not in {_root}");
        }

        using (handle)
        {
            var done = 0;
            while (done < destination.Length)
            {
                var read = await RandomAccess.ReadAsync(handle, destination[done..], offset + done, cancellationToken).ConfigureAwait(false);
                if (read == 0)
                {
                    throw new InvalidDataException($"Block object {objectName} ends at {offset + done}, before {offset + destination.Length}");
                }

                done += read;
            }
        }
    }

    public ValueTask DeleteAsync(string objectName, CancellationToken cancellationToken)
    {
        try
        {
            File.Delete(PathOf(objectName)); // no error when the file is missing...
        }
        catch (DirectoryNotFoundException)
        {
            // ...but File.Delete throws when its directory is (a file none of whose blocks were ever written here).
        }

        return ValueTask.CompletedTask;
    }

    public async IAsyncEnumerable<StoredObject> ListAsync(string prefix, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        // The prefix is a namespace ("test/"): list that directory's tree.
        var slash = prefix.LastIndexOf('/');
        var start = slash < 0 ? _root : PathOf(prefix[..slash]);
        if (!Directory.Exists(start))
        {
            yield break;
        }

        foreach (var file in new DirectoryInfo(start).EnumerateFiles("*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetRelativePath(_root, file.FullName).Replace(Path.DirectorySeparatorChar, '/');
            if (name.StartsWith(prefix, StringComparison.Ordinal))
            {
                yield return new StoredObject(name, file.Length, file.LastWriteTimeUtc);
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private string PathOf(string objectName)
    {
        if (objectName.Length == 0 || objectName.Contains("..", StringComparison.Ordinal) || objectName.Contains('\\') || objectName.StartsWith('/'))
        {
            throw new ArgumentException($"Object name '{objectName}' is not a relative path inside the store", nameof(objectName));
        }

        return Path.Combine(_root, objectName);
    }

    private sealed class LocalObjectWriter(FileStream stream, string temporary, string target) : IObjectWriter
    {
        private bool _committed;

        public ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken)
        {
            stream.Write(data.Span);
            return ValueTask.CompletedTask;
        }

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
            await stream.DisposeAsync().ConfigureAwait(false);
            File.Move(temporary, target, overwrite: false);
            _committed = true;
            // The file's entry, and the file-id directory's own entry when this write created it.
            var directory = Path.GetDirectoryName(target)!;
            JindoMeta.Backend.Raft.StateMachine.DirectorySync.Flush(directory);
            JindoMeta.Backend.Raft.StateMachine.DirectorySync.Flush(Path.GetDirectoryName(directory)!);
        }

        public async ValueTask DisposeAsync()
        {
            await stream.DisposeAsync().ConfigureAwait(false);
            if (!_committed)
            {
                File.Delete(temporary);
            }
        }
    }
}
