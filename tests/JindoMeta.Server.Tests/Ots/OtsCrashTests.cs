using System.Collections.Concurrent;
using Grpc.Core;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Replication;
using JindoMeta.Server.Tests.Support;
using JindoMeta.TableStore;
using Xunit.Abstractions;

namespace JindoMeta.Server.Tests.Ots;

/// <summary>
/// Crash atomicity of the ots backend by processes: the daemon runs mkdir -p and cross-directory renames under load and
/// is SIGKILLed at random moments, then restarted on the same table. Every acknowledged command must be there, no
/// command half applied, and in the end the table a consistent tree (every row reachable from the root).
/// JINDO_SEEDS/40 kills (at least 3).
/// </summary>
public sealed class OtsCrashTests(ITestOutputHelper output)
{
    private const int Workers = 6;

    private sealed class Attempt
    {
        public volatile bool MkdirAcknowledged;
        public volatile bool RenameSent;
        public volatile bool RenameAcknowledged;
    }

    [Fact]
    public async Task Sigkill_during_mkdir_p_and_cross_directory_renames_leaves_every_acknowledged_command_whole_and_none_half_applied()
    {
        var kills = Math.Max(3, int.Parse(Environment.GetEnvironmentVariable("JINDO_SEEDS") ?? "200", System.Globalization.CultureInfo.InvariantCulture) / 40);
        await using var daemons = await OtsDaemons.StartAsync();
        await daemons.StartNodeAsync(0, ha: false, leaseMs: 10_000);
        using (var setup = new RawClient(daemons.Address(0)))
        {
            await setup.MkdirsAsync("/moved");
        }

        var attempts = new ConcurrentDictionary<(int Worker, int N), Attempt>();
        using var stop = new CancellationTokenSource();
        var random = new Random(Environment.TickCount);
        var load = Enumerable.Range(0, Workers).Select(w => Task.Run(() => RunWorkerAsync(daemons.Address(0), w, attempts, stop.Token))).ToList();
        for (var kill = 0; kill < kills; kill++)
        {
            // Each kill lands in running load: first some acknowledgements from this daemon (a restart is slow on a busy machine).
            var before = attempts.Values.Count(a => a.MkdirAcknowledged);
            for (var waited = 0; attempts.Values.Count(a => a.MkdirAcknowledged) < before + 20 && waited < 600; waited++)
            {
                await Task.Delay(50);
            }

            await Task.Delay(random.Next(300, 1500));
            var victim = daemons.Nodes[0]!;
            await victim.KillAsync();
            await victim.DisposeAsync();
            await daemons.StartNodeAsync(0, ha: false, leaseMs: 10_000);
        }

        await stop.CancelAsync();
        await Task.WhenAll(load);
        await CheckAsync(daemons.Address(0), attempts);
        var acknowledged = attempts.Values.Count(a => a.MkdirAcknowledged);
        Assert.True(acknowledged > kills * 10, $"only {acknowledged} mkdir -p acknowledged across {kills} kills: the load did not run");
        Assert.Equal(0, await daemons.Nodes[0]!.TerminateAsync());
        var rows = await CheckTableIsOneTreeAsync(daemons);
        output.WriteLine($"{kills} kills, {attempts.Count} mkdir -p sent ({acknowledged} acknowledged), " +
            $"{attempts.Values.Count(a => a.RenameAcknowledged)} renames acknowledged, {rows} rows in the table");
    }

    private static async Task RunWorkerAsync(string address, int worker, ConcurrentDictionary<(int, int), Attempt> attempts, CancellationToken stop)
    {
        using var client = new RawClient(address);
        for (var n = 0; !stop.IsCancellationRequested; n++)
        {
            var attempt = attempts.GetOrAdd((worker, n), _ => new Attempt());
            try
            {
                await client.MkdirsAsync($"/w{worker}/d{n}/x/y");
                attempt.MkdirAcknowledged = true;
                attempt.RenameSent = true;
                await client.CallAsync((c, o) => c.RenameAsync(new Protos.V1.RenameRequest { Source = $"/w{worker}/d{n}", Destination = $"/moved/w{worker}-d{n}" }, o));
                attempt.RenameAcknowledged = true;
            }
            catch (RpcException)
            {
                await Task.Delay(20, CancellationToken.None); // the daemon is down or restarting
            }

            await Task.Delay(5, CancellationToken.None); // a steady load, so the check at the end stays short

        }
    }

    /// <summary>Each attempted directory is in one place at most, whole (x/y under it), and where its acknowledged commands put it.</summary>
    private static async Task CheckAsync(string address, ConcurrentDictionary<(int Worker, int N), Attempt> attempts)
    {
        using var client = new RawClient(address);
        foreach (var ((worker, n), attempt) in attempts.ToArray())
        {
            var original = $"/w{worker}/d{n}";
            var moved = $"/moved/w{worker}-d{n}";
            var atOriginal = await ExistsAsync(client, original);
            var atMoved = await ExistsAsync(client, moved);
            var where = $"{original} (mkdir acknowledged {attempt.MkdirAcknowledged}, rename acknowledged {attempt.RenameAcknowledged})";
            Assert.False(atOriginal && atMoved, $"{where} is at both ends of its rename");
            Assert.False(atMoved && !attempt.RenameSent, $"{where} was moved by a rename never sent");
            if (attempt.MkdirAcknowledged)
            {
                Assert.True(atOriginal || atMoved, $"{where} is gone");
            }

            if (attempt.RenameAcknowledged)
            {
                Assert.True(atMoved, $"{where} is not where its acknowledged rename put it");
            }

            if (atOriginal || atMoved)
            {
                Assert.True(await ExistsAsync(client, (atMoved ? moved : original) + "/x/y"), $"{where} exists without x/y: a mkdir -p half applied");
            }
        }
    }

    private static async Task<bool> ExistsAsync(RawClient client, string path)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                await client.GetFileInfoAsync(path);
                return true;
            }
            catch (RpcException e) when (e.StatusCode == StatusCode.NotFound)
            {
                return false;
            }
            catch (RpcException) when (attempt < 100)
            {
                await Task.Delay(50); // the restarted daemon is still taking its lease
            }
        }
    }

    /// <summary>After a clean stop every committed row is written: each row's parent is a directory row, and every row is reachable from the root.</summary>
    private static async Task<int> CheckTableIsOneTreeAsync(OtsDaemons daemons)
    {
        using var client = new TableStoreClient(daemons.Emulator.ClientOptions());
        var query = new RangeQuery(Backend.Ots.OtsTable.TableName(OtsDaemons.Namespace),
            ReplicaTable.FirstKey(NamespaceSchema.RootParentId),
            PrimaryKey.Of((ReplicaTable.ParentColumn, ColumnValue.InfMax), (ReplicaTable.NameColumn, ColumnValue.InfMax)));
        var children = new Dictionary<long, List<InodeRecord>>();
        var rows = 0;
        await foreach (var row in client.GetRangeAsync(query))
        {
            var image = ReplicaTable.ImageAt(row, long.MaxValue);
            if (image.Value is null)
            {
                continue; // a tombstone
            }

            var parent = row.PrimaryKey[0].Value.AsInteger();
            var record = InodeRecordCodec.Decode(image.Value);
            if (!children.TryGetValue(parent, out var list))
            {
                children[parent] = list = [];
            }

            list.Add(record);
            rows++;
        }

        var reached = 0;
        var pending = new Stack<long>([NamespaceSchema.RootParentId]);
        var directories = new HashSet<long>();
        while (pending.TryPop(out var id))
        {
            foreach (var child in children.GetValueOrDefault(id, []))
            {
                reached++;
                if (child.IsDirectory)
                {
                    Assert.True(directories.Add(child.Id), $"directory id {child.Id} appears twice in the table");
                    pending.Push(child.Id);
                }
            }
        }

        var orphans = children.Keys.Where(parent => parent != NamespaceSchema.RootParentId && !directories.Contains(parent)).ToList();
        Assert.True(orphans.Count == 0, $"rows under parent ids that are no directory of the tree: {string.Join(", ", orphans.Take(10))}");
        Assert.Equal(rows, reached);
        return rows;
    }
}
