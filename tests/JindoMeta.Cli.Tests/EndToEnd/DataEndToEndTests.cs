using System.Diagnostics;
using System.IO.Compression;
using System.Text;
using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Tests.EndToEnd;

/// <summary>
/// File data through the real `jindo` and `jindometa` processes on the local block store: byte-exact round trips,
/// Hadoop's messages, corruption, a writer killed mid-put, lease conflicts and the background reclaim.
/// </summary>
public sealed class DataEndToEndTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "jindo-data-e2e-" + Guid.NewGuid().ToString("N"));
    private DaemonFixture _daemon = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_local);
        // Small blocks (many per file), leases and sweeps in seconds so recovery is seen within a test.
        _daemon = await DaemonFixture.StartAsync(
            "dfs.blocksize=1m", "namespace.lease.soft-limit-seconds=1", "namespace.lease.hard-limit-seconds=3",
            "namespace.blockstore.reclaim.interval-seconds=1", "namespace.blockstore.reclaim.grace-seconds=0");
        AssertResult(await Fs("-mkdir", "-p", "jfs://test/data"), 0, "");
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        Directory.Delete(_local, recursive: true);
    }

    private string BlockDirectory => Path.Combine(_daemon.DataDirectory, "blocks", DaemonFixture.Namespace);

    private Task<CliResult> Fs(params string[] args) => _daemon.JindoAsync(["fs", .. args]);

    private static void AssertResult(CliResult result, int exitCode, string stdout, string stderr = "") =>
        Assert.True(result.ExitCode == exitCode && result.Out == stdout && result.Error == stderr,
            $"expected exit {exitCode}\n--- stdout\n{stdout}--- stderr\n{stderr}\nbut got {result}");

    private string LocalFile(string name, byte[] content)
    {
        var path = Path.Combine(_local, name);
        File.WriteAllBytes(path, content);
        return path;
    }

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    private async Task<byte[]> CatAsync(string path)
    {
        var (code, output, error) = await DaemonFixture.RunJindoBytesAsync(DaemonFixture.Admin, _daemon.Address, ["fs", "-cat", path], null);
        Assert.True(code == 0, $"cat {path}: exit {code}: {error}");
        return output;
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(MiB)]              // exactly one block
    [InlineData((3 * MiB) + 7)]    // four blocks, the last of 7 bytes
    public async Task Put_ls_cat_get_round_trip_byte_exact(int length)
    {
        var content = RandomBytes(length, length);
        var source = LocalFile($"in-{length}", content);
        var remote = $"jfs://test/data/f-{length}";

        AssertResult(await Fs("-put", source, remote), 0, "");
        var listing = await Fs("-ls", remote);
        Assert.Equal(0, listing.ExitCode);
        Assert.Matches($@"^-rw-r--r--   3 admin supergroup +{length} \d{{4}}-\d\d-\d\d \d\d:\d\d {remote}\n$", listing.Out);
        Assert.Equal(content, await CatAsync(remote));

        var back = Path.Combine(_local, $"out-{length}");
        AssertResult(await Fs("-get", remote, back), 0, "");
        Assert.Equal(content, File.ReadAllBytes(back));
        Assert.False(File.Exists(back + "._COPYING_"));

        var status = await _daemon.Client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = "test", Path = $"/data/f-{length}", IncludeBlocks = true });
        Assert.Equal((length + MiB - 1) / MiB, status.Blocks.Count);
        Assert.False(status.UnderConstruction);
    }

    [Fact]
    public async Task Put_from_stdin_copy_from_local_and_copy_to_local_and_their_hadoop_errors()
    {
        var text = Encoding.UTF8.GetBytes("this is a test file\n");
        var (code, _, error) = await DaemonFixture.RunJindoBytesAsync(DaemonFixture.Admin, _daemon.Address, ["fs", "-put", "-", "jfs://test/data/stdin"], text);
        Assert.True(code == 0, error);
        AssertResult(await Fs("-cat", "jfs://test/data/stdin"), 0, "this is a test file\n");

        var source = LocalFile("cfl", text);
        AssertResult(await Fs("-copyFromLocal", source, "jfs://test/data/cfl"), 0, "");
        AssertResult(await Fs("-copyFromLocal", source, "jfs://test/data/cfl"), 1, "", "copyFromLocal: `jfs://test/data/cfl': File exists\n");
        AssertResult(await Fs("-put", "-f", LocalFile("other", "other\n"u8.ToArray()), "jfs://test/data/cfl"), 0, "");
        AssertResult(await Fs("-cat", "jfs://test/data/cfl"), 0, "other\n");
        AssertResult(await Fs("-put", source, "jfs://test/nodir/x"), 1, "", "put: `jfs://test/nodir/x': No such file or directory\n");
        AssertResult(await Fs("-put", Path.Combine(_local, "missing"), "jfs://test/data/m"), 1, "", $"put: `{Path.Combine(_local, "missing")}': No such file or directory\n");

        // Into a directory: the local name is kept.
        AssertResult(await Fs("-mkdir", "jfs://test/data/into"), 0, "");
        AssertResult(await Fs("-put", source, "jfs://test/data/into"), 0, "");
        AssertResult(await Fs("-cat", "jfs://test/data/into/cfl"), 0, "this is a test file\n");
        AssertResult(await Fs("-put", source, "jfs://test/data"), 1, "", "put: `jfs://test/data/cfl': File exists\n");
        var target = Path.Combine(_local, "got");
        AssertResult(await Fs("-copyToLocal", "jfs://test/data/stdin", target), 0, "");
        AssertResult(await Fs("-copyToLocal", "jfs://test/data/stdin", target), 1, "", $"copyToLocal: `{target}': File exists\n");
        AssertResult(await Fs("-get", "jfs://test/data/none", target), 1, "", "get: `jfs://test/data/none': No such file or directory\n");
        AssertResult(await Fs("-cat", "jfs://test/data"), 1, "", "cat: `jfs://test/data': Is a directory\n");
        Assert.Empty((await Fs("-ls", "jfs://test/data/*._COPYING_")).Out);
    }

    [Fact]
    public async Task A_directory_tree_is_put_and_got_back_whole()
    {
        var tree = Path.Combine(_local, "tree");
        Directory.CreateDirectory(Path.Combine(tree, "sub", "deeper"));
        File.WriteAllBytes(Path.Combine(tree, "a"), RandomBytes(1000, 1));
        File.WriteAllBytes(Path.Combine(tree, "sub", "b"), RandomBytes(MiB + 1, 2));
        File.WriteAllBytes(Path.Combine(tree, "sub", "deeper", "c"), []);

        AssertResult(await Fs("-put", tree, "jfs://test/data/tree"), 0, "");
        var listing = await Fs("-ls", "-R", "jfs://test/data/tree");
        Assert.Equal(
            ["jfs://test/data/tree/a", "jfs://test/data/tree/sub", "jfs://test/data/tree/sub/b", "jfs://test/data/tree/sub/deeper", "jfs://test/data/tree/sub/deeper/c"],
            listing.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l[(l.LastIndexOf(' ') + 1)..]));

        var back = Path.Combine(_local, "back");
        AssertResult(await Fs("-get", "jfs://test/data/tree", back), 0, "");
        foreach (var file in new[] { "a", Path.Combine("sub", "b"), Path.Combine("sub", "deeper", "c") })
        {
            Assert.Equal(File.ReadAllBytes(Path.Combine(tree, file)), File.ReadAllBytes(Path.Combine(back, file)));
        }
    }

    [Fact]
    public async Task Append_tail_text_cp_getmerge_checksum_and_setrep()
    {
        AssertResult(await Fs("-appendToFile", LocalFile("a1", "first\n"u8.ToArray()), "jfs://test/data/log"), 0, "");
        AssertResult(await Fs("-appendToFile", LocalFile("a2", "second\n"u8.ToArray()), LocalFile("a3", "third\n"u8.ToArray()), "jfs://test/data/log"), 0, "");
        AssertResult(await Fs("-cat", "jfs://test/data/log"), 0, "first\nsecond\nthird\n");

        var big = RandomBytes((2 * MiB) + 100, 7);
        AssertResult(await Fs("-put", LocalFile("big", big), "jfs://test/data/big"), 0, "");
        var tail = await DaemonFixture.RunJindoBytesAsync(DaemonFixture.Admin, _daemon.Address, ["fs", "-tail", "jfs://test/data/big"], null);
        Assert.Equal(big[^1024..], tail.Out);

        using (var gz = new MemoryStream())
        {
            await using (var zip = new GZipStream(gz, CompressionLevel.Fastest, leaveOpen: true))
            {
                zip.Write("compressed words\n"u8);
            }

            AssertResult(await Fs("-put", LocalFile("t.gz", gz.ToArray()), "jfs://test/data/t.gz"), 0, "");
        }

        AssertResult(await Fs("-text", "jfs://test/data/t.gz"), 0, "compressed words\n");
        AssertResult(await Fs("-text", "jfs://test/data/log"), 0, "first\nsecond\nthird\n");

        AssertResult(await Fs("-cp", "jfs://test/data/big", "jfs://test/data/big2"), 0, "");
        Assert.Equal(big, await CatAsync("jfs://test/data/big2"));
        AssertResult(await Fs("-cp", "jfs://test/data/big", "jfs://test/data/big2"), 1, "", "cp: `jfs://test/data/big2': File exists\n");

        var sums = await Fs("-checksum", "jfs://test/data/big", "jfs://test/data/big2", "jfs://test/data/t.gz");
        Assert.Equal(0, sums.ExitCode);
        var lines = sums.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => l.Split('\t')).ToArray();
        Assert.Equal(["jfs://test/data/big", "MD5-of-2048MD5-of-512CRC32C"], lines[0][..2]);
        Assert.Equal(lines[0][2], lines[1][2]); // the same bytes in the same blocks: the same checksum, as in HDFS
        Assert.Equal("MD5-of-0MD5-of-512CRC32C", lines[2][1]); // one block: 0 CRCs per block, as HDFS prints it
        Assert.StartsWith("00000200" + "0000000000000800", lines[0][2], StringComparison.Ordinal); // 512 bytes per CRC, 2048 CRCs per block
        Assert.NotEqual(lines[0][2], lines[2][2]);

        AssertResult(await Fs("-mkdir", "jfs://test/data/parts"), 0, "");
        AssertResult(await Fs("-cp", "jfs://test/data/log", "jfs://test/data/t.gz", "jfs://test/data/parts"), 0, "");
        var merged = Path.Combine(_local, "merged");
        AssertResult(await Fs("-getmerge", "-nl", "jfs://test/data/parts", merged), 0, "");
        Assert.Equal(Encoding.UTF8.GetBytes("first\nsecond\nthird\n\n").Concat(File.ReadAllBytes(Path.Combine(_local, "t.gz"))).Concat("\n"u8.ToArray()).ToArray(), File.ReadAllBytes(merged));

        AssertResult(await Fs("-setrep", "2", "jfs://test/data/parts"), 0, "Replication 2 set: jfs://test/data/parts/log\nReplication 2 set: jfs://test/data/parts/t.gz\n");
        var listing = await Fs("-ls", "jfs://test/data/parts/log");
        Assert.StartsWith("-rw-r--r--   2 ", listing.Out, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_corrupted_block_makes_cat_fail_naming_the_file_and_prints_no_bad_bytes()
    {
        var content = RandomBytes((MiB / 2) + 3, 11);
        AssertResult(await Fs("-put", LocalFile("victim", content), "jfs://test/data/victim"), 0, "");
        var status = await _daemon.Client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = "test", Path = "/data/victim", IncludeBlocks = true });
        var objectFile = Path.Combine(BlockDirectory, status.FileId.ToString("x16"), status.Blocks[0].BlockId.ToString("x16"));
        var bytes = File.ReadAllBytes(objectFile);
        bytes[1000] ^= 0x40; // a data byte of the second 512-byte chunk
        File.WriteAllBytes(objectFile, bytes);

        var (code, output, error) = await DaemonFixture.RunJindoBytesAsync(DaemonFixture.Admin, _daemon.Address, ["fs", "-cat", "jfs://test/data/victim"], null);
        Assert.Equal(1, code);
        Assert.Empty(output); // the bad chunk is in the first segment read: nothing of the block was sent
        Assert.Matches(@"^cat: Checksum error: /data/victim at 512 exp: -?\d+ got: -?\d+ \(block test/[0-9a-f]{16}/[0-9a-f]{16}\)\n$", error);

        // Truncated: the object no longer holds its checksums.
        File.WriteAllBytes(objectFile, bytes[..100]);
        var truncated = await Fs("-get", "jfs://test/data/victim", Path.Combine(_local, "victim-out"));
        Assert.Equal(1, truncated.ExitCode);
        Assert.StartsWith("get: Checksum error: /data/victim: block test/", truncated.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_local, "victim-out")));
    }

    [Fact]
    public async Task A_writer_killed_mid_put_leaves_no_file_its_lease_is_recovered_and_its_blocks_reclaimed()
    {
        using var writer = DaemonFixture.StartJindo(DaemonFixture.Admin, _daemon.Address, ["fs", "-put", "-", "jfs://test/data/killed"]);
        _ = writer.StandardOutput.ReadToEndAsync();
        _ = writer.StandardError.ReadToEndAsync();
        await writer.StandardInput.BaseStream.WriteAsync(RandomBytes((2 * MiB) + 5, 3)); // two whole blocks stored, a third begun
        await writer.StandardInput.BaseStream.FlushAsync();

        var copying = await WaitForAsync(async () =>
        {
            var status = await _daemon.Client.TryGetFileInfoAsync("test", "/data/killed._COPYING_");
            return status is not null && Directory.Exists(Path.Combine(BlockDirectory, status.FileId.ToString("x16"))) &&
                Directory.GetFiles(Path.Combine(BlockDirectory, status.FileId.ToString("x16")), "*", SearchOption.AllDirectories).Length >= 2
                ? status
                : null;
        });
        Assert.True(copying.UnderConstruction);
        writer.Kill(); // SIGKILL: no clean-up by the shell
        await writer.WaitForExitAsync();

        Assert.Null(await _daemon.Client.TryGetFileInfoAsync("test", "/data/killed"));
        // The lease lapses (hard limit 3 s): the file being created is removed, then its objects are swept.
        await WaitForAsync(async () => await _daemon.Client.TryGetFileInfoAsync("test", "/data/killed._COPYING_") is null ? "gone" : null);
        var fileBlocks = Path.Combine(BlockDirectory, copying.FileId.ToString("x16"));
        await WaitForAsync(() => Task.FromResult(!Directory.Exists(fileBlocks) || Directory.GetFiles(fileBlocks).Length == 0 ? "swept" : null));
        AssertResult(await Fs("-ls", "jfs://test/data/killed*"), 1, "", "ls: `jfs://test/data/killed*': No such file or directory\n");
    }

    [Fact]
    public async Task Another_client_cannot_overwrite_or_complete_a_file_whose_lease_is_held_until_it_lapses()
    {
        using var other = new JindoMetaClient(new JindoMetaClientOptions { Addresses = [_daemon.Address], User = DaemonFixture.Admin });
        await using var writer = await FileWriter.CreateAsync(_daemon.Client, new CreateRequest { Namespace = "test", Path = "/data/leased" });
        await writer.WriteAsync("held"u8.ToArray());

        // Renewed just before each step: the limits are seconds here, and a loaded machine must not let them lapse.
        await _daemon.Client.RenewLeaseAsync();
        var refused = await Assert.ThrowsAsync<JindoMetaException>(() =>
            other.CreateAsync(new CreateRequest { Namespace = "test", Path = "/data/leased", Overwrite = true }));
        Assert.Equal(JindoErrorCode.LeaseConflict, refused.ErrorCode);
        Assert.Contains("being written by another client", refused.Message, StringComparison.Ordinal);

        await _daemon.Client.RenewLeaseAsync();
        var status = await writer.CompleteAsync();
        Assert.Equal(4, status!.Length);
        Assert.Equal("held"u8.ToArray(), await CatAsync("jfs://test/data/leased"));

        // Past the soft limit (1 s) a lease that was not renewed may be taken over.
        await using var slow = await FileWriter.CreateAsync(_daemon.Client, new CreateRequest { Namespace = "test", Path = "/data/slow" });
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        Assert.NotNull(await other.CreateAsync(new CreateRequest { Namespace = "test", Path = "/data/slow", Overwrite = true }));
    }

    [Fact]
    public async Task Blocks_of_deleted_and_overwritten_files_are_reclaimed_and_live_ones_kept()
    {
        AssertResult(await Fs("-put", LocalFile("keep", RandomBytes(MiB + 1, 1)), "jfs://test/data/keep"), 0, "");
        AssertResult(await Fs("-put", LocalFile("gone", RandomBytes(MiB + 1, 2)), "jfs://test/data/gone"), 0, "");
        var keep = await _daemon.Client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = "test", Path = "/data/keep" });
        var gone = await _daemon.Client.GetFileInfoAsync(new GetFileInfoRequest { Namespace = "test", Path = "/data/gone" });
        AssertResult(await Fs("-rm", "jfs://test/data/gone"), 0, "Deleted jfs://test/data/gone\n");
        AssertResult(await Fs("-put", "-f", LocalFile("keep2", "new"u8.ToArray()), "jfs://test/data/keep"), 0, "");

        string Objects(long fileId) => Path.Combine(BlockDirectory, fileId.ToString("x16"));
        await WaitForAsync(() => Task.FromResult(Directory.Exists(Objects(gone.FileId)) && Directory.GetFiles(Objects(gone.FileId)).Length > 0 ? null : "swept"));
        await WaitForAsync(() => Task.FromResult(Directory.Exists(Objects(keep.FileId)) && Directory.GetFiles(Objects(keep.FileId)).Length > 0 ? null : "swept"));
        AssertResult(await Fs("-cat", "jfs://test/data/keep"), 0, "new");
    }

    private static async Task<T> WaitForAsync<T>(Func<Task<T?>> probe)
        where T : class
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            Assert.True(clock.Elapsed < TimeSpan.FromSeconds(30), "the condition did not hold within 30 s");
            await Task.Delay(100);
        }
    }
}
