namespace JindoMeta.Cli.Tests.EndToEnd;

/// <summary>
/// The s3 block store behind the real daemon, on s3rver (an S3 server nobody here wrote): byte-exact round trips
/// through the real `jindo`, and the objects landing in the bucket under the configured prefix.
/// </summary>
public sealed class S3DataEndToEndTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;
    private readonly string _local = Path.Combine(Path.GetTempPath(), "jindo-s3-e2e-" + Guid.NewGuid().ToString("N"));
    private S3rverProcess _s3 = null!;
    private DaemonFixture _daemon = null!;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_local);
        _s3 = await S3rverProcess.StartAsync();
        _daemon = await DaemonFixture.StartAsync(
            "dfs.blocksize=1m", "namespace.blockstore.type=s3", $"namespace.blockstore.s3.endpoint={_s3.Endpoint}",
            $"namespace.blockstore.s3.bucket={_s3.Bucket}", $"namespace.blockstore.s3.access-key={_s3.AccessKey}",
            $"namespace.blockstore.s3.secret-key={_s3.SecretKey}", "namespace.blockstore.s3.prefix=cluster1/");
    }

    public async Task DisposeAsync()
    {
        await _daemon.DisposeAsync();
        await _s3.DisposeAsync();
        Directory.Delete(_local, recursive: true);
    }

    [Fact]
    public async Task Put_cat_get_round_trip_byte_exact_on_s3()
    {
        var cli = await _daemon.JindoAsync("fs", "-mkdir", "jfs://test/s3");
        Assert.True(cli.ExitCode == 0, cli.ToString());
        foreach (var length in new[] { 0, 1, MiB, (3 * MiB) + 7 })
        {
            var content = new byte[length];
            new Random(length).NextBytes(content);
            var source = Path.Combine(_local, $"in-{length}");
            File.WriteAllBytes(source, content);
            var remote = $"jfs://test/s3/f-{length}";

            var put = await _daemon.JindoAsync("fs", "-put", source, remote);
            Assert.True(put.ExitCode == 0, put.ToString());
            var (code, output, error) = await DaemonFixture.RunJindoBytesAsync(DaemonFixture.Admin, _daemon.Address, ["fs", "-cat", remote], null);
            Assert.True(code == 0, error);
            Assert.Equal(content, output);
            var back = Path.Combine(_local, $"out-{length}");
            var get = await _daemon.JindoAsync("fs", "-get", remote, back);
            Assert.True(get.ExitCode == 0, get.ToString());
            Assert.Equal(content, File.ReadAllBytes(back));
        }

        // One PUT per block under the prefix: four for the last file, one each for 1 MiB and 1 B, none for the empty file.
        bool IsBlockPut(string r) => r.StartsWith("PUT ", StringComparison.Ordinal) && r.Contains($"/{_s3.Bucket}/cluster1/test/", StringComparison.Ordinal) && r.EndsWith(" 200", StringComparison.Ordinal);
        for (var wait = 0; wait < 100 && _s3.Requests.Count(IsBlockPut) < 6; wait++)
        {
            await Task.Delay(100); // a request is logged just after its answer
        }

        Assert.Equal(6, _s3.Requests.Count(IsBlockPut));
    }
}
