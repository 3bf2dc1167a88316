using System.Diagnostics.CodeAnalysis;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace JindoMeta.RocksDb.Native;

/// <summary>
/// Maps the logical name "rocksdb" to one file: the <c>librocksdb.so</c> (RocksDB 11.12, statically linked) that the
/// build copies from the RocksDB NuGet package next to this assembly, or the file named by
/// <see cref="OverrideVariable"/>, so a benchmark can run the same binding on another build (Debian's 7.8). There is
/// no fallback from one to the other: an A/B run must never measure a library it did not ask for.
/// </summary>
internal static class NativeLibraryResolver
{
    /// <summary>Environment variable naming another librocksdb file to load instead of the shipped one.</summary>
    internal const string OverrideVariable = "JINDOMETA_ROCKSDB_LIBRARY";

    /// <summary>The file name the build gives the native library (JindoMeta.RocksDb.csproj).</summary>
    internal const string ShippedFileName = "librocksdb.so";

    private static readonly Lazy<nint> s_library =
        new(() => Load(Environment.GetEnvironmentVariable(OverrideVariable), ShippedLibraryPath));

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

    /// <summary>Where the build puts the native library: next to this assembly (the app directory if single-file).</summary>
    internal static string ShippedLibraryPath
    {
        get
        {
            var directory = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location);
            return Path.Combine(string.IsNullOrEmpty(directory) ? AppContext.BaseDirectory : directory, ShippedFileName);
        }
    }

    [ModuleInitializer]
    [SuppressMessage("Usage", "CA2255:The 'ModuleInitializer' attribute should not be used in libraries",
        Justification = "The resolver must be installed before the first P/Invoke of this assembly, whoever makes it.")]
    internal static void Install() =>
        NativeLibrary.SetDllImportResolver(typeof(NativeLibraryResolver).Assembly, Resolve);

    /// <summary>The file to load: the override when set, else the shipped one.</summary>
    internal static string Choose(string? overridePath, string shippedPath) =>
        string.IsNullOrWhiteSpace(overridePath) ? shippedPath : overridePath;

    /// <summary>Loads the chosen file, or throws a one-line DllNotFoundException that says how to fix it.</summary>
    internal static nint Load(string? overridePath, string shippedPath)
    {
        var path = Choose(overridePath, shippedPath);
        try
        {
            return NativeLibrary.Load(path);
        }
        catch (Exception ex) when (ex is DllNotFoundException or BadImageFormatException)
        {
            var fix = path == shippedPath
                ? "the build copies it there from the RocksDB NuGet package: rebuild (dotnet build), " +
                  $"or set {OverrideVariable} to another librocksdb.so"
                : $"{OverrideVariable} names it: point it at an existing librocksdb.so, or unset it to use the shipped one";
            throw new DllNotFoundException(
                $"RocksDB native library {path} could not be loaded ({fix}). Loader said: {LastLine(ex.Message)}", ex);
        }
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
                $"The loaded RocksDB library lacks {string.Join(", ", missing)}; this binding needs RocksDB 7.8 or later " +
                $"(the build ships 11.12; check {OverrideVariable}).");
        }

        Volatile.Write(ref s_verified, 1);
    }

    /// <summary>The runtime's message spans lines; its last one is dlerror's (which file, and why).</summary>
    private static string LastLine(string message) =>
        message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault() ?? message;

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == NativeMethods.Library ? s_library.Value : 0;
}
