using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Handles;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb;

public sealed unsafe partial class RocksDatabase
{
    private const string DefaultColumnFamily = "default";

    /// <summary>
    /// Opens (or creates) the database at <paramref name="path"/> with every column family it already has plus
    /// <paramref name="columnFamilies"/>, creating the missing ones. "default" is always open.
    /// </summary>
    /// <exception cref="ArgumentException">An option or column family name is invalid.</exception>
    /// <exception cref="RocksDbException">RocksDB refused (for example the LOCK is held by another open).</exception>
    /// <exception cref="DllNotFoundException">The native library is missing next to the assembly (or where the override points); the message says how to fix it.</exception>
    public static RocksDatabase Open(string path, RocksDbOptions options, IReadOnlyList<string> columnFamilies)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(columnFamilies);
        options.Validate();
        foreach (var name in columnFamilies)
        {
            if (string.IsNullOrEmpty(name) || name.Contains('\0', StringComparison.Ordinal))
            {
                throw new ArgumentException($"Column family names must be non-empty without NUL, got '{name}'.", nameof(columnFamilies));
            }
        }

        NativeLibraryResolver.EnsureAvailable();
        var fullPath = System.IO.Path.GetFullPath(path);
        var nativeOptions = NativeOptionsBuilder.Create(options);
        nint db = 0;
        try
        {
            var names = ColumnFamiliesToOpen(nativeOptions, fullPath, columnFamilies);
            var handles = new nint[names.Count];
            db = OpenNative(nativeOptions, fullPath, names, handles);
            var syncWrite = NativeMethods.rocksdb_writeoptions_create();
            NativeMethods.rocksdb_writeoptions_set_sync(syncWrite, 1);
            var asyncWrite = NativeMethods.rocksdb_writeoptions_create();
            var defaultRead = NativeMethods.rocksdb_readoptions_create();
            var handle = new DatabaseHandle(db, nativeOptions, syncWrite, asyncWrite, defaultRead);
            return new RocksDatabase(fullPath, handle, names, handles);
        }
        catch when (db == 0)
        {
            NativeMethods.rocksdb_options_destroy(nativeOptions);
            throw;
        }
    }

    /// <summary>"default", then the families on disk, then requested ones not yet on disk (pitfall 5).</summary>
    private static List<string> ColumnFamiliesToOpen(nint options, string path, IReadOnlyList<string> requested)
    {
        var names = new List<string> { DefaultColumnFamily };
        foreach (var name in ListExisting(options, path).Concat(requested))
        {
            if (!names.Contains(name, StringComparer.Ordinal))
            {
                names.Add(name);
            }
        }

        return names;
    }

    private static List<string> ListExisting(nint options, string path)
    {
        byte* error = null;
        nuint count = 0;
        var list = NativeMethods.rocksdb_list_column_families(options, path, &count, &error);
        if (error != null)
        {
            // A fresh directory has no CURRENT file yet; open reports any real problem.
            NativeMethods.rocksdb_free(error);
            return [];
        }

        var names = new List<string>((int)count);
        for (nuint i = 0; i < count; i++)
        {
            names.Add(Marshal.PtrToStringUTF8((nint)list[i])!);
        }

        NativeMethods.rocksdb_list_column_families_destroy(list, count);
        return names;
    }

    private static nint OpenNative(nint options, string path, List<string> names, nint[] handles)
    {
        var nativeNames = new nint[names.Count];
        var perFamilyOptions = new nint[names.Count];
        try
        {
            for (var i = 0; i < names.Count; i++)
            {
                nativeNames[i] = Marshal.StringToCoTaskMemUTF8(names[i]);
                perFamilyOptions[i] = options; // each family copies what it needs at open
            }

            byte* error = null;
            nint db;
            fixed (nint* namePointers = nativeNames)
            fixed (nint* optionPointers = perFamilyOptions)
            fixed (nint* handlePointers = handles)
            {
                db = NativeMethods.rocksdb_open_column_families(
                    options, path, names.Count, (byte**)namePointers, optionPointers, handlePointers, &error);
            }

            RocksDbException.ThrowIfError(error);
            return db;
        }
        finally
        {
            foreach (var name in nativeNames)
            {
                Marshal.FreeCoTaskMem(name);
            }
        }
    }
}
