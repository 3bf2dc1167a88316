using JindoMeta.Client;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>
/// File data on the raft backend: three real daemons sharing one block directory (as deploy/raft-local-start.sh
/// sets them up), written and read through the real client; the leader's death loses neither the file nor its bytes.
/// </summary>
public sealed class RaftDataTests : IAsyncLifetime
{
    private const int MiB = 1024 * 1024;

    /// <summary>What a raft node says at start when its blocks would be its alone.</summary>
    public const string PrivateBlocksWarning = "inside this node's own data directory";
    private readonly TempDirectory _blocks = new("raft-blocks");
    private RaftDaemonCluster _cluster = null!;

    public async Task InitializeAsync() =>
        _cluster = await new RaftDaemonCluster(null, false, "-D", $"namespace.blockstore.local.dir={_blocks.Path}", "-D", "dfs.blocksize=1m").StartAllAsync();

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        _blocks.Dispose();
    }

    [Fact]
    public async Task A_file_written_through_the_leader_reads_back_whole_after_the_leader_is_killed()
    {
        using var client = _cluster.NewClient();
        var content = new byte[(3 * MiB) + 5];
        new Random(5).NextBytes(content);
        await using (var writer = await FileWriter.CreateAsync(client, new Proto.CreateRequest { Path = "/f" }))
        {
            await writer.WriteAsync(content);
            Assert.Equal(content.Length, (await writer.CompleteAsync())!.Length);
        }

        Assert.Equal(content, await ReadAllAsync(client, "/f"));
        Assert.DoesNotContain(PrivateBlocksWarning, _cluster.Nodes[0]!.Output, StringComparison.Ordinal); // the directory is shared
        var leader = await _cluster.LeaderIndexAsync();
        await _cluster.KillAsync(leader);
        var next = await _cluster.LeaderIndexAsync();
        Assert.NotEqual(leader, next);

        // The same client fails over: the file's metadata is on the new leader, its blocks in the shared store.
        Assert.Equal(content, await ReadAllAsync(client, "/f"));
        var status = await client.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = "/f", IncludeBlocks = true });
        Assert.Equal(4, status.Blocks.Count);

        await using (var writer = await FileWriter.CreateAsync(client, new Proto.CreateRequest { Path = "/g" }))
        {
            await writer.WriteAsync(content.AsMemory(0, MiB + 1));
            await writer.CompleteAsync();
        }

        Assert.Equal(content[..(MiB + 1)], await ReadAllAsync(client, "/g"));
    }

    private static async Task<byte[]> ReadAllAsync(JindoMetaClient client, string path)
    {
        var bytes = new MemoryStream();
        await foreach (var chunk in client.ReadAsync("", path))
        {
            bytes.Write(chunk.Span);
        }

        return bytes.ToArray();
    }
}
