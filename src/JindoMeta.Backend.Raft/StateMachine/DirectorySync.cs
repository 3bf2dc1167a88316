using System.ComponentModel;
using System.Runtime.InteropServices;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// fsync of a directory, so that files created or renamed in it survive a machine crash. .NET has no call for it
/// (opening a directory as a file is refused), hence libc's open/fsync/close. O_RDONLY only: O_DIRECTORY differs
/// between x64 and arm64, and a plain read-only open of a directory is valid on Linux.
/// </summary>
internal static partial class DirectorySync
{
    private const int ReadOnly = 0;

    /// <summary>Makes the entries of <paramref name="directory"/> durable. A no-op off Linux/macOS.</summary>
    /// <exception cref="IOException">The directory cannot be opened or synced.</exception>
    public static void Flush(string directory)
    {
        if (!OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS())
        {
            return;
        }

        var descriptor = Open(directory, ReadOnly);
        if (descriptor < 0)
        {
            throw new IOException($"Cannot open the directory {directory} to sync it: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        }

        try
        {
            if (Fsync(descriptor) != 0)
            {
                throw new IOException($"fsync of the directory {directory} failed: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
            }
        }
        finally
        {
            _ = Close(descriptor);
        }
    }

    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    private static partial int Fsync(int descriptor);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int Close(int descriptor);
}
