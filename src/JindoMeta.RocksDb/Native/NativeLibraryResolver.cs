using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace JindoMeta.RocksDb.Native;

/// <summary>
/// Maps the logical name "rocksdb" to the real library. The runtime package ships only the versioned SONAME
/// (<c>librocksdb.so.7.8</c>); the unversioned name exists only with librocksdb-dev, so default probing is not
/// enough (reference §3). Newer SONAMEs are deliberately not tried: they are untested (pitfall 11).
/// </summary>
internal static class NativeLibraryResolver
{
    /// <summary>Environment variable naming a library file to try first.</summary>
    internal const string OverrideVariable = "ROCKSDB_LIB";

    internal const string InstallHint = "apt-get install -y librocksdb7.8";

    private static readonly Lazy<nint> s_library = new(() => LoadFirst(DefaultCandidates(Environment.GetEnvironmentVariable(OverrideVariable))));

    /// <summary>Symbols Open checks up front so an ABI that is too old fails at startup, not mid-request.</summary>
    private static readonly string[] s_requiredSymbols =
    [
        "rocksdb_open_column_families", "rocksdb_list_column_families", "rocksdb_get_pinned_cf",
        "rocksdb_pinnableslice_value", "rocksdb_batched_multi_get_cf", "rocksdb_writebatch_delete_range_cf",
        "rocksdb_readoptions_set_iterate_lower_bound", "rocksdb_checkpoint_create", "rocksdb_property_int_cf",
        "rocksdb_options_set_WAL_size_limit_MB", "rocksdb_options_statistics_get_string", "rocksdb_flush_wal",
        "rocksdb_iter_get_error", "rocksdb_delete_range_cf",
    ];

    private static int s_verified;

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The resolver must be installed before the first P/Invoke of this assembly, whoever makes it.")]
    internal static void Install() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    /// <summary>The override (if set), then the Debian bookworm SONAME, then the -dev symlink.</summary>
    internal static IReadOnlyList<string> DefaultCandidates(string? overridePath)
    {
        var candidates = new List<string>(3);
        if (!string.IsNullOrWhiteSpace(overridePath))
        {
            candidates.Add(overridePath);
        }

        candidates.Add("librocksdb.so.7.8");
        candidates.Add("librocksdb.so");
        return candidates;
    }

    /// <summary>Loads the first candidate that loads, or throws a DllNotFoundException that says what to install.</summary>
    internal static nint LoadFirst(IReadOnlyList<string> candidates)
    {
        string? firstError = null;
        foreach (var candidate in candidates)
        {
            try
            {
                return NativeLibrary.Load(candidate);
            }
            catch (DllNotFoundException ex)
            {
                // The first loader message tells "file missing" apart from "a dependency such as libgflags missing".
                firstError ??= ex.Message;
            }
            catch (BadImageFormatException ex)
            {
                firstError ??= ex.Message;
            }
        }

        throw new DllNotFoundException(
            $"RocksDB native library not found (tried: {string.Join(", ", candidates)}). " +
            $"On Debian/Ubuntu install it with '{InstallHint}', or set {OverrideVariable} to the library's path. " +
            $"Loader said: {firstError ?? "no candidates"}");
    }

    /// <summary>Loads the library and checks the symbols the binding needs; cheap after the first call.</summary>
    internal static void EnsureAvailable()
    {
        if (Volatile.Read(ref s_verified) != 0)
        {
            return;
        }

        var library = s_library.Value;
        var missing = s_requiredSymbols.Where(symbol => !NativeLibrary.TryGetExport(library, symbol, out _)).ToList();
        if (missing.Count > 0)
        {
            throw new EntryPointNotFoundException(
                $"The loaded RocksDB library lacks {string.Join(", ", missing)}; this binding needs RocksDB 7.8 " +
                $"('{InstallHint}').");
        }

        Volatile.Write(ref s_verified, 1);
    }

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == NativeMethods.Library ? s_library.Value : 0;
}
