namespace JindoMeta.RocksDb.Tests;

/// <summary>A fresh directory under the system temp path, deleted (with everything in it) on Dispose.</summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "jindo-rocks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    /// <summary>A path inside this directory that does not exist yet.</summary>
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // Best effort: a still-open DB in a failed test must not hide the real failure.
        }
    }
}
