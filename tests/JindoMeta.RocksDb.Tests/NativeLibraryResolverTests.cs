using System.Reflection;
using System.Runtime.InteropServices;
using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb.Tests;

public sealed class NativeLibraryResolverTests
{
    [Fact]
    public void Missing_shipped_library_fails_in_one_line_naming_the_file_the_rebuild_and_the_variable()
    {
        var error = Assert.Throws<DllNotFoundException>(() => NativeLibraryResolver.Load(null, "/nonexistent/bin/librocksdb.so"));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("/nonexistent/bin/librocksdb.so could not be loaded", error.Message, StringComparison.Ordinal);
        Assert.Contains("rebuild", error.Message, StringComparison.Ordinal);
        Assert.Contains("JINDOMETA_ROCKSDB_LIBRARY", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot open shared object file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Override_pointing_at_a_missing_file_fails_in_one_line_naming_the_variable_without_falling_back()
    {
        // The shipped file exists and would load: an A/B run must still fail rather than measure it.
        var error = Assert.Throws<DllNotFoundException>(
            () => NativeLibraryResolver.Load("/nonexistent/librocksdb.so.7.8", NativeLibraryResolver.ShippedLibraryPath));

        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains("/nonexistent/librocksdb.so.7.8 could not be loaded", error.Message, StringComparison.Ordinal);
        Assert.Contains("JINDOMETA_ROCKSDB_LIBRARY names it", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_override_wins_when_set_and_blank_means_unset()
    {
        Assert.Equal("/opt/rocks/librocksdb.so", NativeLibraryResolver.Choose("/opt/rocks/librocksdb.so", "/app/librocksdb.so"));
        Assert.Equal("/app/librocksdb.so", NativeLibraryResolver.Choose(null, "/app/librocksdb.so"));
        Assert.Equal("/app/librocksdb.so", NativeLibraryResolver.Choose(" ", "/app/librocksdb.so"));
        Assert.NotEqual(0, NativeLibraryResolver.Load(NativeLibraryResolver.ShippedLibraryPath, "/nonexistent/librocksdb.so"));
    }

    [Fact]
    public void The_build_puts_only_this_platforms_native_library_next_to_the_assembly()
    {
        var directory = Path.GetDirectoryName(typeof(NativeLibraryResolver).Assembly.Location)!;
        Assert.Equal(Path.Combine(directory, "librocksdb.so"), NativeLibraryResolver.ShippedLibraryPath);
        Assert.True(File.Exists(NativeLibraryResolver.ShippedLibraryPath));

        // Nothing of the package but that one file: no managed RocksDbSharp, no other platform's build.
        Assert.Empty(Directory.GetFiles(directory, "RocksDbSharp*"));
        Assert.Empty(Directory.GetFiles(directory, "*.dylib"));
        Assert.Empty(Directory.GetFiles(directory, "rocksdb.dll"));
        Assert.Empty(Directory.GetFiles(directory, "librocksdb-*"));
        Assert.False(Directory.Exists(Path.Combine(directory, "runtimes")));
    }

    [Fact]
    public void Shipped_library_loads_and_has_every_required_symbol()
    {
        Assert.NotEqual(0, NativeLibraryResolver.Load(null, NativeLibraryResolver.ShippedLibraryPath));
        NativeLibraryResolver.EnsureAvailable();
    }

    [Fact]
    public void Every_function_the_binding_imports_is_exported_by_the_library_it_loads()
    {
        var imported = typeof(NativeMethods).GetMethods(BindingFlags.Static | BindingFlags.NonPublic)
            .Select(method => method.GetCustomAttribute<LibraryImportAttribute>() is { } import ? import.EntryPoint ?? method.Name : null)
            .OfType<string>()
            .ToList();
        var library = NativeLibraryResolver.Load(
            Environment.GetEnvironmentVariable(NativeLibraryResolver.OverrideVariable), NativeLibraryResolver.ShippedLibraryPath);

        Assert.InRange(imported.Count, 70, 200);
        var missing = imported.Where(name => !NativeLibrary.TryGetExport(library, name, out _)).ToList();
        Assert.True(missing.Count == 0, "not exported: " + string.Join(", ", missing));
    }
}
