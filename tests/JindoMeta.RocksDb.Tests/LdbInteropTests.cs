using System.Diagnostics;
using JindoMeta.RocksDb.Native;
using static JindoMeta.RocksDb.Tests.Bytes;

namespace JindoMeta.RocksDb.Tests;

/// <summary>
/// Cross-checks the binding against RocksDB's own `ldb` tool (Debian's rocksdb-tools 7.8, installed by tests/run.sh):
/// what we write with the shipped 11.x, ldb reads exactly, and what ldb writes, we read.
/// </summary>
public sealed class LdbInteropTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Ldb_7_8_scan_shows_exactly_the_rows_written_through_the_binding_by_the_shipped_11_x()
    {
        byte[] binaryKey = [0x00, 0xFF, 0x10];
        using (var db = RocksDatabase.Open(_dir.Path, new RocksDbOptions { Compression = RocksCompression.Zstd }, ["inodes", "dentries"]))
        {
            var inodes = db.GetColumnFamily("inodes");
            var dentries = db.GetColumnFamily("dentries");
            using var batch = new WriteBatch();
            batch.Put(inodes, binaryKey, [0xAB, 0x00]);
            batch.Put(inodes, U("gone"), U("x"));
            batch.Put(dentries, U("root/a"), U("1"));
            batch.Put(dentries, U("root/b"), U("2"));
            db.Write(batch, sync: true);
            db.Delete(inodes, U("gone"), sync: true);
            db.Flush(dentries); // one family from an SST, the other from the WAL
            db.Put(dentries, U("root/a"), U("updated"), sync: false);
        }

        if (string.IsNullOrEmpty(Environment.GetEnvironmentVariable(NativeLibraryResolver.OverrideVariable)))
        {
            // Read before ldb opens the store (it rewrites OPTIONS): the interop under test is 11.x files, 7.8 tool.
            Assert.StartsWith("11.", RocksOptionsFile.ReadLatest(_dir.Path)["Version"]["rocksdb_version"], StringComparison.Ordinal);
        }

        Assert.Equal(["0x00FF10 : 0xAB00"], Ldb("--column_family=inodes", "scan", "--hex"));
        Assert.Equal([$"{Hex("root/a")} : {Hex("updated")}", $"{Hex("root/b")} : {Hex("2")}"], Ldb("--column_family=dentries", "scan", "--hex"));
        Assert.Empty(Ldb("scan", "--hex"));
        Assert.Equal(["{default, inodes, dentries}"], Ldb("list_column_families").Skip(1));
    }

    [Fact]
    public void Rows_written_by_ldb_are_read_by_the_binding()
    {
        using (RocksDatabase.Open(_dir.Path, new RocksDbOptions(), ["meta"]))
        {
        }

        Assert.Equal(["OK"], Ldb("--column_family=meta", "--hex", "put", "0x01FF", "0x000102"));
        Assert.Equal(["OK"], Ldb("--column_family=meta", "put", "format", "2"));

        using var db = RocksDatabase.Open(_dir.Path, new RocksDbOptions { CreateIfMissing = false }, []);
        var meta = db.GetColumnFamily("meta");
        Assert.Equal([0x00, 0x01, 0x02], db.Get(meta, [0x01, 0xFF]));
        Assert.Equal("2", S(db.Get(meta, U("format"))));
    }

    private static string Hex(string text) => "0x" + Convert.ToHexString(U(text));

    private List<string> Ldb(params string[] arguments)
    {
        var start = new ProcessStartInfo("ldb") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add("--db=" + _dir.Path);
        // Debian's ldb is 7.8; our stores are written by 11.x, whose OPTIONS file has options 7.8 does not know.
        start.ArgumentList.Add("--ignore_unknown_options");
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("`ldb` is not on PATH: install it with 'apt-get install -y rocksdb-tools'.", ex);
        }

        using (process)
        {
            var error = process.StandardError.ReadToEndAsync();
            var output = process.StandardOutput.ReadToEnd();
            Assert.True(process.WaitForExit(30_000), "ldb did not finish within 30 s");
            Assert.True(process.ExitCode == 0, $"ldb {string.Join(' ', arguments)} exited {process.ExitCode}: {error.Result}");
            return output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
        }
    }
}
