using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb;

/// <summary>An error reported by RocksDB (I/O error, corruption, invalid argument); the message is RocksDB's.</summary>
public sealed class RocksDbException : Exception
{
    public RocksDbException()
    {
    }

    public RocksDbException(string message)
        : base(message)
    {
    }

    public RocksDbException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Throws if <paramref name="error"/> is set. One inlined compare on the success path.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static unsafe void ThrowIfError(byte* error)
    {
        if (error != null)
        {
            ThrowAndFree(error);
        }
    }

    [DoesNotReturn]
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static unsafe void ThrowAndFree(byte* error)
    {
        var message = Marshal.PtrToStringUTF8((nint)error) ?? "unknown RocksDB error";
        NativeMethods.rocksdb_free(error);
        throw new RocksDbException(message);
    }
}
