using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using JindoMeta.Blocks;
using JindoMeta.Blocks.S3;
using JindoMeta.Testing;

namespace JindoMeta.Bench.Blocks;

/// <summary>
/// `blockstore`: 256 MiB (two 128 MiB blocks, dfs.blocksize's default) written and read back through BlockWriter /
/// BlockReader over S3BlockStore, against the same bytes as plain SDK PutObject / GetObject calls, both on one s3rver
/// (tests/Shared/node; npm ci there first). The ratio is the price of our layer: chunk checksums, the trailer, 8 MiB
/// parts and 8 MiB ranged reads. One warm-up round, then <see cref="Rounds"/> measured ones, alternating; the median
/// round is reported. s3rver (one node process writing to disk) bounds both sides, so the figures are relative only.
/// </summary>
internal static class BlockStoreBenchmark
{
    private const int Rounds = 3;
    private const int Blocks = 2;
    private const int BlockBytes = 128 * 1024 * 1024;
    private const int WriteBytes = 1024 * 1024; // the size of a client's pieces as they arrive

    public static async Task<int> RunAsync()
    {
        await using var server = await S3rverProcess.StartAsync("bench");
        var options = new S3StoreOptions(server.Endpoint, server.Bucket, "us-east-1", server.AccessKey, server.SecretKey, "blocks/", PathStyle: true);
        await using var store = new S3BlockStore(options);
        using var client = new AmazonS3Client(new BasicAWSCredentials(server.AccessKey, server.SecretKey), new AmazonS3Config
        {
            ServiceURL = server.Endpoint.ToString(),
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
        var data = new byte[BlockBytes];
        new Random(1).NextBytes(data);

        var ours = new List<(double Write, double Read)>();
        var plain = new List<(double Write, double Read)>();
        for (var round = 0; round <= Rounds; round++)
        {
            var blocks = round == 0 ? 1 : Blocks; // round 0 warms up (JIT, connections) and is not kept
            var o = await OursAsync(store, data, blocks, round);
            var p = await PlainAsync(client, server.Bucket, data, blocks, round);
            if (round > 0)
            {
                ours.Add(o);
                plain.Add(p);
            }
        }

        var megabytes = (double)Blocks * BlockBytes / (1024 * 1024);
        var rows = new[]
        {
            Row("S3BlockStore write", megabytes, Median(ours.Select(r => r.Write))),
            Row("S3BlockStore read", megabytes, Median(ours.Select(r => r.Read))),
            Row("plain PutObject", megabytes, Median(plain.Select(r => r.Write))),
            Row("plain GetObject", megabytes, Median(plain.Select(r => r.Read))),
        };
        var ratios = new Dictionary<string, double>
        {
            ["write_ours_over_plain"] = rows[0].MiBPerSecond / rows[2].MiBPerSecond,
            ["read_ours_over_plain"] = rows[1].MiBPerSecond / rows[3].MiBPerSecond,
        };

        Console.WriteLine($"blockstore: {megabytes:0} MiB as {Blocks} blocks of {BlockBytes >> 20} MiB on s3rver, median of {Rounds} rounds");
        Console.WriteLine($"{"scenario",-22} {"seconds",9} {"MiB/s",9}");
        foreach (var row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{row.Name,-22} {row.Seconds,9:N2} {row.MiBPerSecond,9:N1}"));
        }

        foreach (var (name, ratio) in ratios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name}: {ratio:N2}"));
        }

        Console.WriteLine(JsonSerializer.Serialize(new { suite = "blockstore", rows, ratios }));
        return 0;
    }

    private static async Task<(double Write, double Read)> OursAsync(S3BlockStore store, byte[] data, int blocks, int round)
    {
        var summaries = new BlockSummary[blocks];
        var clock = Stopwatch.StartNew();
        for (var block = 0; block < blocks; block++)
        {
            await using var writer = new BlockWriter(await store.OpenWriteAsync(Key(block, round).ObjectName, CancellationToken.None));
            for (var at = 0; at < data.Length; at += WriteBytes)
            {
                await writer.WriteAsync(data.AsMemory(at, Math.Min(WriteBytes, data.Length - at)), CancellationToken.None);
            }

            summaries[block] = await writer.CommitAsync(CancellationToken.None);
        }

        var write = clock.Elapsed.TotalSeconds;
        clock.Restart();
        long read = 0;
        for (var block = 0; block < blocks; block++)
        {
            await foreach (var slice in BlockReader.ReadAsync(store, Key(block, round), summaries[block].NumBytes, summaries[block].Checksum, 0, data.Length, "/bench", 0, CancellationToken.None))
            {
                read += slice.Length;
            }
        }

        var readSeconds = clock.Elapsed.TotalSeconds;
        Check(read, (long)blocks * data.Length);
        for (var block = 0; block < blocks; block++)
        {
            await store.DeleteAsync(Key(block, round).ObjectName, CancellationToken.None); // s3rver keeps everything on disk
        }

        return (write, readSeconds);
    }

    private static async Task<(double Write, double Read)> PlainAsync(AmazonS3Client client, string bucket, byte[] data, int blocks, int round)
    {
        var clock = Stopwatch.StartNew();
        for (var block = 0; block < blocks; block++)
        {
            using var body = new MemoryStream(data, writable: false);
            await client.PutObjectAsync(new PutObjectRequest
            {
                BucketName = bucket,
                Key = $"plain/{round}/{block}",
                InputStream = body,
                AutoCloseStream = false,
                UseChunkEncoding = false, // as S3BlockStore sends (s3rver stores aws-chunked bodies undecoded)
            }).ConfigureAwait(false);
        }

        var write = clock.Elapsed.TotalSeconds;
        clock.Restart();
        long read = 0;
        var buffer = new byte[WriteBytes];
        for (var block = 0; block < blocks; block++)
        {
            using var response = await client.GetObjectAsync(bucket, $"plain/{round}/{block}").ConfigureAwait(false);
            int n;
            while ((n = await response.ResponseStream.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                read += n;
            }
        }

        var readSeconds = clock.Elapsed.TotalSeconds;
        Check(read, (long)blocks * data.Length);
        for (var block = 0; block < blocks; block++)
        {
            await client.DeleteObjectAsync(bucket, $"plain/{round}/{block}").ConfigureAwait(false);
        }

        return (write, readSeconds);
    }

    private static BlockKey Key(int block, int round) => new("bench", round, block);

    private static void Check(long read, long expected)
    {
        if (read != expected)
        {
            throw new InvalidOperationException($"read {read} bytes back, wrote {expected}");
        }
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted[sorted.Length / 2];
    }

    private static BlockStoreRow Row(string name, double megabytes, double seconds) => new(name, seconds, megabytes / seconds);

    private sealed record BlockStoreRow(string Name, double Seconds, double MiBPerSecond);
}
