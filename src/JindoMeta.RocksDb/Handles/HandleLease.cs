using System.Runtime.InteropServices;

namespace JindoMeta.RocksDb.Handles;

/// <summary>
/// Holds a reference on a handle for the duration of one native call (two interlocked operations, no
/// allocation), so a concurrent Dispose defers the native destroy instead of freeing memory under the call.
/// </summary>
internal readonly ref struct HandleLease
{
    private readonly SafeHandle _handle;

    internal HandleLease(SafeHandle handle)
    {
        var added = false;
        handle.DangerousAddRef(ref added);
        _handle = handle;
    }

    internal nint Pointer => _handle.DangerousGetHandle();

    /// <summary>Releases the reference; a default lease holds nothing and releases nothing.</summary>
    public void Dispose() => _handle?.DangerousRelease();
}
