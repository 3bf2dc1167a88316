using System.Text;
using JindoMeta.Backend.RocksDb.Tests.Support;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;
using static JindoMeta.Backend.RocksDb.Tests.Support.BackendHarness;

namespace JindoMeta.Backend.RocksDb.Tests;

public sealed class StoreFormatTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task A_store_made_by_another_backend_is_refused_with_its_name()
    {
        await (await Task.FromResult(Open(_temp.Path))).DisposeAsync();
        RewriteMeta(NamespaceSchema.MetaKeys.BackendType, Encoding.UTF8.GetBytes("raft"));

        var error = Assert.Throws<InvalidDataException>(() => Open(_temp.Path));

        Assert.Contains("'raft' backend, not 'rocksdb'", error.Message, StringComparison.Ordinal);
        Assert.Contains("namespace.backend.type", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_store_of_another_format_version_is_refused()
    {
        await Open(_temp.Path).DisposeAsync();
        RewriteMeta(NamespaceSchema.MetaKeys.FormatVersion, NamespaceSchema.Int64Value(99));

        var error = Assert.Throws<InvalidDataException>(() => Open(_temp.Path));

        Assert.Contains("format version 99", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_directory_with_other_files_is_refused_and_left_untouched()
    {
        File.WriteAllText(_temp.Sub("notes.txt"), "not a database");

        var error = Assert.Throws<InvalidDataException>(() => Open(_temp.Path));

        Assert.Contains("holds no RocksDB store", error.Message, StringComparison.Ordinal);
        Assert.Equal(["notes.txt"], Directory.GetFileSystemEntries(_temp.Path).Select(Path.GetFileName));
    }

    [Fact]
    public async Task A_damaged_dentry_gives_an_error_naming_it()
    {
        await using (var backend = Open(_temp.Path))
        {
            await backend.MkdirsAsync("/victim");
        }

        var victimKey = NamespaceSchema.DentryKey(NamespaceSchema.RootInodeId, "victim");
        using (var database = RocksDatabase.Open(_temp.Path, new RocksDbOptions(), NamespaceSchema.Tables))
        {
            database.Put(database.GetColumnFamily(NamespaceSchema.DentriesTable), victimKey, [1, 2, 0xFF], sync: true);
        }

        await using var reopened = Open(_temp.Path);
        var read = await reopened.GetFileInfoAsync("/victim", Callers.Root);
        var write = await reopened.SubmitAsync(new MkdirsCommand(Callers.Root, "/victim/child", Mode755, CreateParent: true));

        foreach (var error in new[] { read.Error, write.Error })
        {
            Assert.Equal(ErrorCode.StorageFailure, error?.Code);
            Assert.Contains("\"victim\"", error!.Message, StringComparison.Ordinal);
            Assert.Contains("damaged", error.Message, StringComparison.Ordinal);
        }

        // One damaged row fails the operations that touch it, not the namespace.
        AssertOk(await reopened.SubmitAsync(new MkdirsCommand(Callers.Root, "/healthy", Mode755, CreateParent: true)));
        AssertOk(await reopened.GetFileInfoAsync("/healthy", Callers.Root));
    }

    /// <summary>The store read with the independent `ldb` tool (rocksdb-tools): the schema is what we say it is.</summary>
    [Fact]
    public async Task The_ldb_tool_sees_one_dentry_row_per_entry_keyed_by_parent_id_and_name()
    {
        await using (var backend = Open(_temp.Path))
        {
            await backend.MkdirsAsync("/data/logs");
            await backend.WriteFileAsync("/data/logs/app.log", 100);
        }

        var scan = RunLdb($"--db={_temp.Path} --column_family=dentries scan --hex");

        var rows = scan.Split('\n', StringSplitOptions.RemoveEmptyEntries).Where(l => l.StartsWith("0x", StringComparison.Ordinal)).ToList();
        Assert.Equal(4, rows.Count); // root, /data, /data/logs, /data/logs/app.log
        var rootChild = "0x" + Convert.ToHexString(NamespaceSchema.DentryKey(NamespaceSchema.RootInodeId, "data"));
        Assert.Contains(rows, r => r.StartsWith(rootChild + " ", StringComparison.Ordinal));
        var meta = RunLdb($"--db={_temp.Path} --column_family=meta get next-inode-id --value_hex");
        Assert.Equal("0x" + Convert.ToHexString(NamespaceSchema.Int64Value(NamespaceSchema.RootInodeId + 4)), meta.Trim());
    }

    private static string RunLdb(string arguments)
    {
        // --ignore_unknown_options: Debian's ldb is 7.8 and the store's OPTIONS file is 11.x's.
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("ldb", "--ignore_unknown_options " + arguments)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        }) ?? throw new InvalidOperationException("could not start ldb (install rocksdb-tools)");
        var output = process.StandardOutput.ReadToEnd();
        var errors = process.StandardError.ReadToEnd();
        process.WaitForExit();
        Assert.True(process.ExitCode == 0, $"ldb {arguments} failed: {errors}");
        return output;
    }

    private void RewriteMeta(byte[] key, byte[] value)
    {
        using var database = RocksDatabase.Open(_temp.Path, new RocksDbOptions(), NamespaceSchema.Tables);
        database.Put(database.GetColumnFamily(NamespaceSchema.MetaTable), key, value, sync: true);
    }
}
