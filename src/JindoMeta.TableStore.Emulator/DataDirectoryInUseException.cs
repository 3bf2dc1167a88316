namespace JindoMeta.TableStore.Emulator;

/// <summary>
/// Another emulator holds the data directory (RocksDB's LOCK file, or the exclusive lock on the operation log), so
/// this one stops before it serves anything: two writers would each serve their own copy of the tables and
/// overwrite each other's files. The message names the directory and what to do.
/// </summary>
public sealed class DataDirectoryInUseException : IOException
{
    public DataDirectoryInUseException()
        : this("the data directory is in use by another emulator")
    {
    }

    public DataDirectoryInUseException(string message)
        : base(message)
    {
        DataDirectory = string.Empty;
    }

    public DataDirectoryInUseException(string message, Exception innerException)
        : base(message, innerException)
    {
        DataDirectory = string.Empty;
    }

    /// <param name="dataDirectory">The directory as configured; the message names its full path.</param>
    /// <param name="holder">Who holds it: "another process" or "another emulator in this process".</param>
    /// <param name="lockName">The lock found held, e.g. "RocksDB LOCK held".</param>
    /// <param name="innerException">The storage library's own error.</param>
    public DataDirectoryInUseException(string dataDirectory, string holder, string lockName, Exception innerException)
        : base($"data directory {Path.GetFullPath(dataDirectory)} is in use by {holder} ({lockName}): stop that emulator or use another data directory", innerException)
    {
        DataDirectory = Path.GetFullPath(dataDirectory);
    }

    /// <summary>The full path of the directory in use.</summary>
    public string DataDirectory { get; }
}
