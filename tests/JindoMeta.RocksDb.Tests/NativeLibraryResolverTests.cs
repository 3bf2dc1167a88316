using JindoMeta.RocksDb.Native;

namespace JindoMeta.RocksDb.Tests;

public sealed class NativeLibraryResolverTests
{
    [Fact]
    public void Missing_library_message_names_the_apt_package_and_every_candidate()
    {
        var error = Assert.Throws<DllNotFoundException>(
            () => NativeLibraryResolver.LoadFirst(["/nonexistent/librocksdb.so.7.8", "libjindo-no-such-rocksdb.so.1"]));

        Assert.Contains("apt-get install -y librocksdb7.8", error.Message, StringComparison.Ordinal);
        Assert.Contains("/nonexistent/librocksdb.so.7.8, libjindo-no-such-rocksdb.so.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("ROCKSDB_LIB", error.Message, StringComparison.Ordinal);
        Assert.Contains("cannot open shared object file", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Default_candidates_try_the_override_first_then_the_debian_soname()
    {
        Assert.Equal(["/opt/rocks/librocksdb.so", "librocksdb.so.7.8", "librocksdb.so"], NativeLibraryResolver.DefaultCandidates("/opt/rocks/librocksdb.so"));
        Assert.Equal(["librocksdb.so.7.8", "librocksdb.so"], NativeLibraryResolver.DefaultCandidates(null));
        Assert.Equal(["librocksdb.so.7.8", "librocksdb.so"], NativeLibraryResolver.DefaultCandidates(" "));
    }

    [Fact]
    public void Installed_library_loads_through_the_soname_and_has_every_required_symbol()
    {
        Assert.NotEqual(0, NativeLibraryResolver.LoadFirst(["librocksdb.so.7.8"]));
        NativeLibraryResolver.EnsureAvailable();
    }
}
