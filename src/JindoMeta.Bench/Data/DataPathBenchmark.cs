using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JindoMeta.Bench.Processes;
using JindoMeta.Testing;

namespace JindoMeta.Bench.Data;

/// <summary>
/// `data`: one file of --mb MiB through the real CLI and daemon (local block store, on the same disk as the file)
/// against the same bytes moved by the system's tools, alternating within each of three rounds:
/// <list type="bullet">
/// <item>`jindo fs -put` vs `cp` and vs `cp` + `sync FILE` (the put fsyncs every block object before it answers);</item>
/// <item>`jindo fs -get` vs `cp` of the stored file; `jindo fs -cat &gt; /dev/null` vs `cat &gt; /dev/null`.</item>
/// </list>
/// The page cache is warm for every row (the same file is read each time). Figures are medians of the rounds.
/// With `--only s3` the daemon keeps blocks in s3rver (tests/Shared/node), and the baseline is the same file uploaded
/// and downloaded with AWSSDK.S3 directly (one PutObject, one streamed GetObject, in this process: no start-up cost,
/// which the CLI rows carry, about 0.4 s each).
/// </summary>
internal static class DataPathBenchmark
{
    private const int Rounds = 3;

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        if (settings.Only == "s3")
        {
            return await RunS3Async(settings);
        }

        using var work = new WorkDirectory(settings.WorkDirectory);
        var source = Path.Combine(work.Path, "source.bin");
        var bytes = (long)settings.FileMegabytes << 20;
        WriteRandomFile(source, bytes);
        using var daemon = await JindoMetaDaemon.StartAsync(Path.Combine(work.Path, "daemon"), "127.0.0.1", LoopbackPorts.FreeOnEvery(["127.0.0.1"]), []);
        await Jindo(daemon, "-mkdir", "-p", "jfs://test/bench");
        var rows = new Dictionary<string, List<double>>();
        void Add(string name, double seconds) => (rows.TryGetValue(name, out var list) ? list : rows[name] = []).Add(seconds);

        for (var round = 0; round < Rounds; round++)
        {
            var copy = Path.Combine(work.Path, "copy.bin");
            Add("cp", await TimeAsync("cp", source, copy));
            File.Delete(copy);
            Add("cp + sync", await TimeAsync("sh", "-c", $"cp '{source}' '{copy}' && sync '{copy}'"));
            File.Delete(copy);
            Add("jindo fs -put", await TimeJindoAsync(daemon, "-put", "-f", source, "jfs://test/bench/file"));
            var got = Path.Combine(work.Path, "got.bin");
            Add("jindo fs -get", await TimeJindoAsync(daemon, "-get", "jfs://test/bench/file", got));
            if (new FileInfo(got).Length != bytes)
            {
                throw new InvalidOperationException($"-get wrote {new FileInfo(got).Length} bytes, not {bytes}");
            }

            File.Delete(got);
            Add("cat > /dev/null", await TimeAsync("sh", "-c", $"cat '{source}' > /dev/null"));
            Add("jindo fs -cat > /dev/null", await TimeAsync("sh", "-c", $"HADOOP_USER_NAME=root dotnet '{Path.Combine(AppContext.BaseDirectory, "jindo.dll")}' --rpc-address {daemon.Address} fs -cat jfs://test/bench/file > /dev/null"));
        }

        var median = rows.ToDictionary(r => r.Key, r => r.Value.Order().ElementAt(Rounds / 2));
        Console.WriteLine($"data path: {settings.FileMegabytes} MiB file, local block store on the disk of {work.Path}; medians of {Rounds} rounds, page cache warm");
        Console.WriteLine($"{"row",-28} {"seconds",9} {"MiB/s",9} {"vs baseline",12}");
        foreach (var (name, baseline) in new[]
        {
            ("cp", "cp"), ("cp + sync", "cp"), ("jindo fs -put", "cp"), ("jindo fs -get", "cp"),
            ("cat > /dev/null", "cat > /dev/null"), ("jindo fs -cat > /dev/null", "cat > /dev/null"),
        })
        {
            var seconds = median[name];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-28} {seconds,9:N2} {settings.FileMegabytes / seconds,9:N0} {median[baseline] / seconds,11:N2}x ({baseline})"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"put vs cp + sync: {median["cp + sync"] / median["jindo fs -put"]:N2}x"));
        Console.WriteLine(JsonSerializer.Serialize(new { suite = "data", megabytes = settings.FileMegabytes, seconds = median }));
        return 0;
    }

    private static void WriteRandomFile(string path, long bytes)
    {
        var buffer = new byte[1 << 20];
        var random = new Random(42);
        using var file = new FileStream(path, FileMode.Create, FileAccess.Write, FileShare.None, 0);
        for (long written = 0; written < bytes; written += buffer.Length)
        {
            random.NextBytes(buffer);
            file.Write(buffer, 0, (int)Math.Min(buffer.Length, bytes - written));
        }
    }

    private static Task Jindo(JindoMetaDaemon daemon, params string[] args) => TimeJindoAsync(daemon, args);

    private static Task<double> TimeJindoAsync(JindoMetaDaemon daemon, params string[] args) =>
        TimeAsync("dotnet", [Path.Combine(AppContext.BaseDirectory, "jindo.dll"), "--rpc-address", daemon.Address, "fs", .. args]);

    private static async Task<double> TimeAsync(string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardError = true, UseShellExecute = false };
        start.Environment["HADOOP_USER_NAME"] = "root";
        var clock = Stopwatch.StartNew();
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"cannot start {program}");
        var error = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        var seconds = clock.Elapsed.TotalSeconds;
        return process.ExitCode == 0 ? seconds : throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed ({process.ExitCode}): {error}");
    }

    private static async Task<int> RunS3Async(BenchSettings settings)
    {
        using var work = new WorkDirectory(settings.WorkDirectory);
        var source = Path.Combine(work.Path, "source.bin");
        var bytes = (long)settings.FileMegabytes << 20;
        WriteRandomFile(source, bytes);
        await using var s3 = await S3rverProcess.StartAsync("bench");
        using var daemon = await JindoMetaDaemon.StartAsync(Path.Combine(work.Path, "daemon"), "127.0.0.1", LoopbackPorts.FreeOnEvery(["127.0.0.1"]),
        [
            "-D", "namespace.blockstore.type=s3", "-D", $"namespace.blockstore.s3.endpoint={s3.Endpoint}", "-D", $"namespace.blockstore.s3.bucket={s3.Bucket}",
            "-D", $"namespace.blockstore.s3.access-key={s3.AccessKey}", "-D", $"namespace.blockstore.s3.secret-key={s3.SecretKey}", "-D", "namespace.blockstore.s3.prefix=jindo/",
        ]);
        using var client = new Amazon.S3.AmazonS3Client(new Amazon.Runtime.BasicAWSCredentials(s3.AccessKey, s3.SecretKey), new Amazon.S3.AmazonS3Config
        {
            ServiceURL = s3.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = Amazon.Runtime.RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = Amazon.Runtime.ResponseChecksumValidation.WHEN_REQUIRED,
        });
        var rows = new Dictionary<string, List<double>>();
        void Add(string name, double seconds) => (rows.TryGetValue(name, out var list) ? list : rows[name] = []).Add(seconds);
        for (var round = 0; round < Rounds; round++)
        {
            var clock = Stopwatch.StartNew();
            await client.PutObjectAsync(new Amazon.S3.Model.PutObjectRequest { BucketName = s3.Bucket, Key = "plain/file", FilePath = source, UseChunkEncoding = false });
            Add("sdk PutObject", clock.Elapsed.TotalSeconds);
            clock.Restart();
            using (var response = await client.GetObjectAsync(s3.Bucket, "plain/file"))
            {
                await response.ResponseStream.CopyToAsync(Stream.Null);
            }

            Add("sdk GetObject", clock.Elapsed.TotalSeconds);
            await client.DeleteObjectAsync(s3.Bucket, "plain/file");
            Add("jindo fs -put", await TimeJindoAsync(daemon, "-put", "-f", source, "jfs://test/file"));
            Add("jindo fs -cat > /dev/null", await TimeAsync("sh", "-c", $"HADOOP_USER_NAME=root dotnet '{Path.Combine(AppContext.BaseDirectory, "jindo.dll")}' --rpc-address {daemon.Address} fs -cat jfs://test/file > /dev/null"));
        }

        var median = rows.ToDictionary(r => r.Key, r => r.Value.Order().ElementAt(Rounds / 2));
        Console.WriteLine($"data path on s3 (s3rver): {settings.FileMegabytes} MiB file; medians of {Rounds} rounds");
        Console.WriteLine($"{"row",-28} {"seconds",9} {"MiB/s",9} {"vs baseline",12}");
        foreach (var (name, baseline) in new[] { ("sdk PutObject", "sdk PutObject"), ("jindo fs -put", "sdk PutObject"), ("sdk GetObject", "sdk GetObject"), ("jindo fs -cat > /dev/null", "sdk GetObject") })
        {
            var seconds = median[name];
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{name,-28} {seconds,9:N2} {settings.FileMegabytes / seconds,9:N0} {median[baseline] / seconds,11:N2}x ({baseline})"));
        }

        Console.WriteLine(JsonSerializer.Serialize(new { suite = "data-s3", megabytes = settings.FileMegabytes, seconds = median }));
        return 0;
    }
}
