namespace JindoMeta.Testing;

/// <summary>
/// A fresh directory under the system temp folder, deleted with everything in it on dispose. Compiled into every
/// test project (Directory.Build.props links tests/Shared).
/// </summary>
internal sealed class TempDirectory : IDisposable
{
    public TempDirectory(string prefix = "jindometa")
    {
        Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"{prefix}-{Guid.NewGuid():N}");
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
            // A child process may still hold a file for a moment; the OS temp cleaner takes it later.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
