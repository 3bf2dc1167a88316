using System.Diagnostics;
using Grpc.Core;
using JindoMeta.Server.Tests.Support;
using JindoMeta.TableStore.Emulator;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Replication;

/// <summary>
/// issue 10, recovery mode (rocksdb backend), by processes: the seeds' procedure — a cluster uploads its tree, stops;
/// a new daemon on an empty data directory rebuilds it from the replica, read-only meanwhile (25021), until
/// state=FINISH; the operator switches recovery off and upload on, and the same table carries on.
/// </summary>
public sealed class RecoveryTests
{
    private const string ReadOnlyText = "Namespace is under recovery mode, and is read-only.";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task The_seed_procedure_rebuilds_the_namespace_read_only_then_writes_and_uploads_to_the_same_table()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        var old = await harness.StartDaemonAsync("old");
        string[] views;
        using (var client = new RawClient(old.Address))
        {
            await ReplicaHarness.BuildTreeAsync(client, "/t", files: 40);
            await client.CallAsync((ns, o) => ns.SetOwnerAsync(new Proto.SetOwnerRequest { Path = "/t/keep", Owner = "alice", Group = "staff" }, o));
            await ReplicaHarness.WaitForSyncedAsync(client, Timeout);
            views = await ReplicaHarness.TreeViewsAsync(old.Address);
        }

        Assert.Equal(0, await old.TerminateAsync());
        var recovering = await harness.StartDaemonAsync("new", harness.RecoverySettings());
        using (var client = new RawClient(recovering.Address))
        {
            var mkdir = await Assert.ThrowsAsync<RpcException>(() => client.MkdirsAsync("/t/new"));
            Assert.Equal(("25021", ReadOnlyText), (mkdir.Trailers.GetValue("jindo-error-code"), mkdir.Status.Detail));
            var finished = await WaitForNodeStateAsync(client, "FINISH");
            Assert.Equal("FINISH", finished.Properties["recovery.state"]);
            Assert.Equal("none", finished.Properties["recovery.lastError"]);
            Assert.Equal(views, await ReplicaHarness.TreeViewsAsync(recovering.Address)); // -count, -ls -R and -stat print the same

            // Still read-only after FINISH, until the operator restarts with recovery off: through the CLI too.
            var cliMkdir = await JindoAsync(recovering.Address, "fs", "-mkdir", "jfs://test/t/new");
            Assert.Equal(1, cliMkdir.ExitCode);
            Assert.Contains(ReadOnlyText, cliMkdir.Error, StringComparison.Ordinal);
            var metaStatus = await JindoAsync(recovering.Address, "jfs", "-metaStatus");
            Assert.Contains("recovered=1/1", metaStatus.Out, StringComparison.Ordinal);
            Assert.Contains("state=FINISH", metaStatus.Out, StringComparison.Ordinal);
            var verify = await JindoAsync(recovering.Address, "jfs", "-verifyReplica");
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.Contains("result=SAME", verify.Out, StringComparison.Ordinal);
        }

        Assert.Equal(0, await recovering.TerminateAsync());
        Assert.Equal(harness.LocalRows("old"), harness.LocalRows("new"));

        // The seed's step 6: recovery off, upload on. The table is taken over where it stands, not written again.
        var resumed = await harness.StartDaemonAsync("new");
        using (var client = new RawClient(resumed.Address))
        {
            var checkpoint = long.Parse((await ReplicaHarness.StatusAsync(client))["recoveredFrom"].Split(':')[1], System.Globalization.CultureInfo.InvariantCulture);
            await client.MkdirsAsync("/t/after-recovery");
            var synced = await ReplicaHarness.WaitForSyncedAsync(client, Timeout);
            Assert.Equal((checkpoint + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), synced["upload.checkpoint"]);
            Assert.Contains("took table jindometa_test over from store", resumed.Output, StringComparison.Ordinal);
            var verify = await JindoAsync(resumed.Address, "jfs", "-verifyReplica", "test");
            Assert.True(verify.ExitCode == 0, verify.ToString());
            Assert.Contains("result=SAME", verify.Out, StringComparison.Ordinal);
        }

        Assert.Equal(0, await resumed.TerminateAsync());
        await harness.AssertReplicaEqualsStoreAsync("new");

        // The old cluster, started again, is now the second cluster on the table: refused.
        var stale = await harness.StartDaemonAsync("old");
        using (var client = new RawClient(stale.Address))
        {
            var status = await WaitForUploadStateAsync(client, "STOPPED");
            Assert.Contains("replica of another cluster", status["upload.lastError"], StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_sigkill_during_recovery_resumes_under_tablestore_faults_and_ends_exact()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        var old = await harness.StartDaemonAsync("old");
        using (var client = new RawClient(old.Address))
        {
            await ReplicaHarness.BuildTreeAsync(client, "/t", files: 150);
            await ReplicaHarness.BuildTreeAsync(client, "/u", files: 150);
            await ReplicaHarness.WaitForSyncedAsync(client, Timeout);
        }

        Assert.Equal(0, await old.TerminateAsync());
        // Every call takes 300 ms: the daemon is killed after some ranges are loaded and before the others are.
        harness.Emulator.Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(300) };
        var first = await harness.StartDaemonAsync("new", harness.RecoverySettings());
        using (var client = new RawClient(first.Address))
        {
            var deadline = Stopwatch.StartNew();
            while (true)
            {
                var ns = await NamespaceStatusAsync(client);
                var rows = long.Parse(ns.Properties["recovery.rows"], System.Globalization.CultureInfo.InvariantCulture);
                if (rows > 1 && ns.Properties["recovery.rangesLeft"] != "0")
                {
                    break;
                }

                Assert.True(deadline.Elapsed < Timeout, "the recovery never loaded a range");
                await Task.Delay(20);
            }
        }

        await first.KillAsync();
        harness.Emulator.Faults = new FaultOptions { ServerBusyRate = 0.2, TimeoutRate = 0.1, DropConnectionRate = 0.1, Seed = 3 };
        var second = await harness.StartDaemonAsync("new", harness.RecoverySettings());
        using (var client = new RawClient(second.Address))
        {
            await WaitForNodeStateAsync(client, "FINISH");
        }

        Assert.True(harness.Emulator.FaultsInjected > 0, "the faults were never met");

        Assert.Contains("resuming the recovery", second.Output, StringComparison.Ordinal);
        Assert.Equal(0, await second.TerminateAsync());
        Assert.Equal(harness.LocalRows("old"), harness.LocalRows("new"));
    }

    [Fact]
    public async Task A_cluster_killed_mid_upload_is_recovered_at_its_checkpoint_with_every_rename_whole()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        var old = await harness.StartDaemonAsync("old");
        const int Files = 300; // a run of their renames spans several BatchWriteRow calls (200 rows each)
        using (var client = new RawClient(old.Address))
        {
            await client.MkdirsAsync("/x");
            await client.MkdirsAsync("/y");
            await Parallel.ForEachAsync(Enumerable.Range(0, Files), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) => await client.CreateAsync($"/x/f{i}"));
            await ReplicaHarness.WaitForSyncedAsync(client, Timeout);

            // Slow, failing batches, so that some of a run's batches land while others wait to be retried. Renames go on
            // until the daemon is frozen at a moment the table holds rows past its checkpoint: it then dies mid-run.
            harness.Emulator.Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(20), ServerBusyRate = 0.3, Seed = 11 };
            var inY = new bool[Files];
            var deadline = Stopwatch.StartNew();
            using var stop = new CancellationTokenSource();
            var renames = Task.Run(async () =>
            {
                while (!stop.IsCancellationRequested)
                {
                    await Parallel.ForEachAsync(Enumerable.Range(0, Files), new ParallelOptions { MaxDegreeOfParallelism = 16 }, async (i, _) =>
                    {
                        var (from, to) = inY[i] ? ("/y", "/x") : ("/x", "/y");
                        await client.CallAsync((ns, o) => ns.RenameAsync(new Proto.RenameRequest { Source = $"{from}/f{i}", Destination = $"{to}/f{i}" }, o));
                        inY[i] = !inY[i];
                    });
                }
            });
            while (true)
            {
                Assert.True(deadline.Elapsed < Timeout, "the table was never caught mid-run");
                await Task.Delay(Random.Shared.Next(20, 80));
                old.Freeze(true);
                // Requests the daemon sent before it stopped still land (the emulator holds each 20 ms): a checkpoint
                // advance among them would tidy the run away, so look only once they are in.
                await Task.Delay(200);
                if (await RowsPastCheckpointAsync(harness) > 0)
                {
                    break;
                }

                old.Freeze(false);
            }

            await old.KillAsync(); // frozen mid-run, then gone
            await stop.CancelAsync();
            try
            {
                await renames;
            }
            catch (RpcException)
            {
                // Calls in flight when the daemon died.
            }
        }

        harness.Emulator.Faults = FaultOptions.None;
        var recovering = await harness.StartDaemonAsync("new", [.. harness.RecoverySettings(), "-D", "namespace.recovery.writer-quiet-seconds=0"]);
        using var recovered = new RawClient(recovering.Address);
        await WaitForNodeStateAsync(recovered, "FINISH");

        // Whatever the checkpoint, the tree is one state of the old namespace: every file in exactly one directory.
        var names = new List<string>();
        foreach (var directory in new[] { "/x", "/y" })
        {
            names.AddRange((await recovered.ListAsync(directory)).Entries.Select(e => e.Path[(directory.Length + 1)..]));
        }

        Assert.Equal(Enumerable.Range(0, Files).Select(i => $"f{i}").Order(StringComparer.Ordinal), names.Order(StringComparer.Ordinal));
        var verify = await JindoAsync(recovering.Address, "jfs", "-verifyReplica");
        Assert.True(verify.ExitCode == 0, verify.ToString()); // and the table, put back, is exactly that state
        Assert.Contains("rows of an upload run past its checkpoint", recovering.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recovery_mode_on_a_store_that_holds_metadata_stops_the_daemon_with_one_line()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        await using (var plain = await DaemonProcess.StartAsync(harness.DataDirectory("data")))
        {
            using var client = new RawClient(plain.Address);
            await client.MkdirsAsync("/mine");
            Assert.Equal(0, await plain.TerminateAsync());
        }

        var (exit, _, stderr) = await DaemonProcess.RunToExitAsync(null,
            ["-D", $"namespace.data.dir={harness.DataDirectory("data")}", "-D", "namespace.log.dir=", "-D", "namespace.rpc.port=0", .. harness.RecoverySettings()]);

        Assert.NotEqual(0, exit);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("already holds metadata (last change 1): refusing to merge the replica into it", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Recovery_without_a_replica_fails_with_a_line_naming_the_table()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        var daemon = await harness.StartDaemonAsync("new", harness.RecoverySettings());
        using var client = new RawClient(daemon.Address);

        var failed = await WaitForNodeStateAsync(client, "FAILED");

        Assert.Equal("FAILED", failed.Properties["recovery.state"]);
        Assert.Contains("Table jindometa_test does not exist", failed.Properties["recovery.lastError"], StringComparison.Ordinal);
        Assert.Equal("25021", (await Assert.ThrowsAsync<RpcException>(() => client.MkdirsAsync("/x"))).Trailers.GetValue("jindo-error-code"));
    }

    /// <summary>Replica rows written past the table's checkpoint: the uploader is in the middle of a run.</summary>
    private static async Task<int> RowsPastCheckpointAsync(ReplicaHarness harness)
    {
        var checkpoint = (await new JindoMeta.Replication.ReplicaCheckpoint(harness.Client, ReplicaHarness.Table, "", "", TimeProvider.System).ReadAsync(CancellationToken.None))!.Index;
        var past = 0;
        var all = new JindoMeta.TableStore.RangeQuery(ReplicaHarness.Table, JindoMeta.Replication.ReplicaTable.FirstKey(JindoMeta.Replication.ReplicaTable.MetaParent),
            JindoMeta.Replication.ReplicaTable.FirstKey(long.MaxValue));
        await foreach (var row in harness.Client.GetRangeAsync(all))
        {
            past += row.GetColumn(JindoMeta.Replication.ReplicaTable.IndexColumn)!.Value.Value.AsInteger() > checkpoint ? 1 : 0;
        }

        return past;
    }

    private static async Task<Proto.NamespaceStatus> NamespaceStatusAsync(RawClient client) =>
        (await client.MetaStatusAsync(detail: true)).Namespaces.Single(n => n.Name == ReplicaHarness.Namespace);

    private static async Task<Proto.NamespaceStatus> WaitForNodeStateAsync(RawClient client, string state)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var ns = await NamespaceStatusAsync(client);
            if (ns.Nodes[0].State == state)
            {
                return ns;
            }

            Assert.True(deadline.Elapsed < Timeout, $"not state={state} within {Timeout}: {ns}");
            await Task.Delay(50);
        }
    }

    private static async Task<IReadOnlyDictionary<string, string>> WaitForUploadStateAsync(RawClient client, string state)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var status = await ReplicaHarness.StatusAsync(client);
            if (status.GetValueOrDefault("upload.state") == state)
            {
                return status;
            }

            Assert.True(deadline.Elapsed < Timeout, $"not upload.state={state} within {Timeout}");
            await Task.Delay(50);
        }
    }

    /// <summary>
    /// The seeds' last step: the data never was on the cluster (blocks in an S3 bucket, here s3rver), so once the
    /// metadata is recovered from the replica, `-cat` on the new cluster prints what was written on the old one.
    /// </summary>
    [Fact]
    public async Task After_recovery_cat_on_the_new_cluster_prints_the_bytes_written_on_the_old_one_to_s3()
    {
        await using var s3 = await S3rverProcess.StartAsync();
        string[] store =
        [
            "-D", "namespace.blockstore.type=s3", "-D", $"namespace.blockstore.s3.endpoint={s3.Endpoint}", "-D", $"namespace.blockstore.s3.bucket={s3.Bucket}",
            "-D", $"namespace.blockstore.s3.access-key={s3.AccessKey}", "-D", $"namespace.blockstore.s3.secret-key={s3.SecretKey}",
        ];
        await using var harness = await ReplicaHarness.StartAsync();
        using var temp = new TempDirectory("seed-data");
        var local = Path.Combine(temp.Path, "testfile");
        await File.WriteAllTextAsync(local, "this is a test file\n");

        var old = await harness.StartDaemonAsync("old", [.. harness.UploadSettings(), .. store]);
        var put = await JindoAsync(old.Address, "fs", "-put", local, "jfs://test/testfile");
        Assert.True(put.ExitCode == 0, put.Error);
        using (var client = new RawClient(old.Address))
        {
            await ReplicaHarness.WaitForSyncedAsync(client, Timeout);
        }

        Assert.Equal(0, await old.TerminateAsync());
        var recovering = await harness.StartDaemonAsync("new", [.. harness.RecoverySettings(), .. store]);
        using (var client = new RawClient(recovering.Address))
        {
            await WaitForNodeStateAsync(client, "FINISH");
        }

        var cat = await JindoAsync(recovering.Address, "fs", "-cat", "jfs://test/testfile");
        Assert.Equal((0, "this is a test file\n", ""), (cat.ExitCode, cat.Out, cat.Error));
        Assert.Equal(0, await recovering.TerminateAsync());
    }

    private static Task<(int ExitCode, string Out, string Error)> JindoAsync(string address, params string[] args) => JindoCli.RunAsync(address, args);
}
