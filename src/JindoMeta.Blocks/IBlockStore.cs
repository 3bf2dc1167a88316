namespace JindoMeta.Blocks;

/// <summary>
/// Where block objects are kept (a local directory, an S3 bucket). Objects are written once, whole: a reader never
/// sees a partly written one, and a write that is not committed leaves nothing behind (or something the store
/// cleans up itself, as an S3 multipart upload that is aborted).
/// </summary>
/// <remarks>Thread-safe. Failures are exceptions: <see cref="BlockNotFoundException"/> for a missing object, any
/// other for a store that cannot be reached or refused the request.</remarks>
public interface IBlockStore : IAsyncDisposable
{
    /// <summary>"local" or "s3", as namespace.blockstore.type names it.</summary>
    string Type { get; }

    /// <summary>Where objects go, for logs and status ("/var/lib/jindometa/blocks", "s3://bucket/prefix").</summary>
    string Location { get; }

    /// <summary>How many bytes one read should ask for (a multiple of 512): a request to S3 costs far more than one to a disk.</summary>
    int PreferredReadBytes { get; }

    /// <summary>Starts writing one object; nothing is visible until <see cref="IObjectWriter.CommitAsync"/>.</summary>
    ValueTask<IObjectWriter> OpenWriteAsync(string objectName, CancellationToken cancellationToken);

    /// <summary>Reads <paramref name="count"/> bytes at <paramref name="offset"/> into <paramref name="destination"/> (exactly, or throws).</summary>
    /// <exception cref="BlockNotFoundException">No such object.</exception>
    /// <exception cref="InvalidDataException">The object is shorter than offset + count.</exception>
    ValueTask ReadAsync(string objectName, long offset, Memory<byte> destination, CancellationToken cancellationToken);

    /// <summary>Removes an object; a missing one is not an error.</summary>
    ValueTask DeleteAsync(string objectName, CancellationToken cancellationToken);

    /// <summary>Every object whose name starts with <paramref name="prefix"/>, in no particular order.</summary>
    IAsyncEnumerable<StoredObject> ListAsync(string prefix, CancellationToken cancellationToken);
}

/// <summary>One object being written; disposing it without a commit abandons it.</summary>
public interface IObjectWriter : IAsyncDisposable
{
    ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken);

    /// <summary>Makes the object durable and visible under its name.</summary>
    ValueTask CommitAsync(CancellationToken cancellationToken);
}

/// <summary>An object as a listing reports it.</summary>
public readonly record struct StoredObject(string Name, long Size, DateTimeOffset LastModified);

/// <summary>The object a block list names is not in the store.</summary>
public sealed class BlockNotFoundException(string message) : IOException(message);
