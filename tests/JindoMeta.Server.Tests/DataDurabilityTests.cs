using System.Collections.Concurrent;
using System.Security.Cryptography;
using JindoMeta.Client;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests;

/// <summary>
/// File data through the whole stack: writers put files (small blocks, so most span several) while the daemon is
/// SIGKILLed at a random moment; after a restart on the same data every file whose complete was acknowledged reads
/// back byte-exact (its block objects were synced before the block was answered, its block list with the complete).
/// </summary>
public sealed class DataDurabilityTests : IDisposable
{
    private const int Writers = 4;
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Fact]
    public async Task Every_acknowledged_file_reads_back_whole_after_SIGKILL_of_the_daemon()
    {
        var acknowledged = new ConcurrentDictionary<string, byte[]>();
        for (var round = 0; round < 2; round++)
        {
            await using var daemon = await DaemonProcess.StartAsync(_temp.Sub("data"), "-D", "dfs.blocksize=1m");
            using var client = new JindoMetaClient(new JindoMetaClientOptions { Addresses = [daemon.Address], User = "root", MaxAttempts = 1 });
            await CheckAsync(client, acknowledged);
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
            {
                var random = new Random((round * 100) + w);
                for (var i = 0; !stop.IsCancellationRequested; i++)
                {
                    var content = new byte[random.Next(0, (3 * 1024 * 1024) + 17)];
                    random.NextBytes(content);
                    var path = $"/r{round}-w{w}-{i}";
                    try
                    {
                        await using var writer = await FileWriter.CreateAsync(client, new Proto.CreateRequest { Path = path });
                        await writer.WriteAsync(content);
                        await writer.CompleteAsync();
                        acknowledged[path] = SHA256.HashData(content);
                    }
                    catch (JindoMetaException)
                    {
                        return; // the daemon is gone: this file was never acknowledged
                    }
                }
            })).ToArray();

            await Task.Delay(TimeSpan.FromMilliseconds(1500 + (round * 700)));
            await daemon.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);
        }

        Assert.True(acknowledged.Count >= Writers, $"only {acknowledged.Count} files were acknowledged before the kills");
        await using var last = await DaemonProcess.StartAsync(_temp.Sub("data"), "-D", "dfs.blocksize=1m");
        using var reader = new JindoMetaClient(new JindoMetaClientOptions { Addresses = [last.Address], User = "root" });
        await CheckAsync(reader, acknowledged);
    }

    private static async Task CheckAsync(JindoMetaClient client, IReadOnlyDictionary<string, byte[]> acknowledged)
    {
        foreach (var (path, digest) in acknowledged)
        {
            using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
            await foreach (var chunk in client.ReadAsync("", path))
            {
                hash.AppendData(chunk.Span);
            }

            Assert.True(digest.AsSpan().SequenceEqual(hash.GetHashAndReset()), $"{path} does not read back as it was written");
        }
    }
}
