using JindoMeta.Server.Tests.Support;
using JindoMeta.TableStore.Emulator;

namespace JindoMeta.Server.Tests.Replication;

/// <summary>
/// issue 10 (rocksdb backend): the daemon streams its committed changes to a Tablestore table; `-metaStatus` says
/// `_synced=1` once the table holds everything, and the table then equals the local store row by row.
/// </summary>
public sealed class AsyncUploadTests
{
    private static readonly TimeSpan SyncTimeout = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_tree_built_with_upload_on_reaches_synced_and_the_replica_equals_the_store()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        var daemon = await harness.StartDaemonAsync("data");
        using var client = new RawClient(daemon.Address);

        await ReplicaHarness.BuildTreeAsync(client, "/t", files: 40);
        var status = await ReplicaHarness.WaitForSyncedAsync(client, SyncTimeout);

        Assert.Equal("RUNNING", status["upload.state"]);
        Assert.Equal("0", status["upload.lagEntries"]);
        Assert.Equal("0.000", status["upload.lagSeconds"]);
        Assert.Equal(ReplicaHarness.Table, status["upload.table"]);
        var lastIndex = (await client.MetaStatusAsync(detail: false)).Namespaces[0].Nodes[0].LastCommittedIndex;
        Assert.Equal(lastIndex.ToString(System.Globalization.CultureInfo.InvariantCulture), status["upload.checkpoint"]);
        // The feed is trimmed, and only behind the checkpoint.
        var firstKept = long.Parse(status["changeFeedFirstIndex"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(firstKept, 2, lastIndex + 1);
        Assert.Equal(0, await daemon.TerminateAsync());
        await harness.AssertReplicaEqualsStoreAsync("data");
        var (bySdk, sdkCheckpoint) = await harness.ReplicaRowsByNodeSdkAsync(); // and as an independent reader sees it
        ReplicaHarness.AssertSameRows(harness.LocalRows("data"), bySdk);
        Assert.Equal(lastIndex, sdkCheckpoint);
    }

    [Fact]
    public async Task Without_upload_synced_stays_not_applicable()
    {
        using var temp = new TempDirectory();
        await using var daemon = await DaemonProcess.StartAsync(temp.Sub("data"));
        using var client = new RawClient(daemon.Address);

        var status = await client.MetaStatusAsync(detail: true);

        Assert.Equal("n/a", status.Namespaces[0].Properties["_synced"]);
        Assert.DoesNotContain("upload.state", status.Namespaces[0].Properties.Keys);
    }

    [Fact]
    public async Task Without_upload_the_change_feed_keeps_only_its_retention()
    {
        using var temp = new TempDirectory();
        await using var daemon = await DaemonProcess.StartAsync(temp.Sub("data"), "-D", "namespace.changefeed.retention-entries=10");
        using var client = new RawClient(daemon.Address);
        for (var i = 0; i < 40; i++)
        {
            await client.MkdirsAsync($"/d{i}");
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var node = (await client.MetaStatusAsync(detail: true)).Namespaces[0];
            var first = long.Parse(node.Properties["changeFeedFirstIndex"], System.Globalization.CultureInfo.InvariantCulture);
            if (first == node.Nodes[0].LastCommittedIndex - 10 + 1)
            {
                break; // the newest 10 kept, every older one gone
            }

            Assert.True(DateTime.UtcNow < deadline, $"the feed was not trimmed to 10 entries: first {first}, last {node.Nodes[0].LastCommittedIndex}");
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Upload_enabled_on_a_namespace_that_already_has_metadata_starts_from_a_snapshot_and_ends_exact()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        await using (var plain = await DaemonProcess.StartAsync(harness.DataDirectory("data")))
        {
            using var client = new RawClient(plain.Address);
            await ReplicaHarness.BuildTreeAsync(client, "/before", files: 30);
            Assert.Equal(0, await plain.TerminateAsync());
        }

        var rowsBefore = harness.LocalRows("data").Count;
        var daemon = await harness.StartDaemonAsync("data");
        using (var client = new RawClient(daemon.Address))
        {
            await client.MkdirsAsync("/after");
            var status = await ReplicaHarness.WaitForSyncedAsync(client, SyncTimeout);
            // The snapshot's rows, counted as streamed (the mkdir may have landed before the snapshot was taken).
            var snapshotRows = long.Parse(status["upload.snapshot"].Split('/')[0], System.Globalization.CultureInfo.InvariantCulture);
            Assert.InRange(snapshotRows, rowsBefore, rowsBefore + 1);
        }

        Assert.Equal(0, await daemon.TerminateAsync());
        await harness.AssertReplicaEqualsStoreAsync("data");
    }

    [Fact]
    public async Task A_sigkill_during_upload_then_a_restart_ends_exact()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        // Every Tablestore call takes 200 ms: the uploader is still behind (a run is at least two calls) when the daemon is killed.
        harness.Emulator.Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(200) };
        var first = await harness.StartDaemonAsync("data");
        using (var client = new RawClient(first.Address))
        {
            await ReplicaHarness.BuildTreeAsync(client, "/t", files: 150);
            var status = await ReplicaHarness.StatusAsync(client);
            Assert.Equal("0", status["_synced"]);
        }

        await first.KillAsync();
        harness.Emulator.Faults = FaultOptions.None;
        var second = await harness.StartDaemonAsync("data");
        using (var client = new RawClient(second.Address))
        {
            await client.MkdirsAsync("/after-restart");
            await ReplicaHarness.WaitForSyncedAsync(client, SyncTimeout);
        }

        Assert.Equal(0, await second.TerminateAsync());
        await harness.AssertReplicaEqualsStoreAsync("data");
    }

    [Fact]
    public async Task Uploads_under_injected_tablestore_faults_end_exact()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        harness.Emulator.Faults = new FaultOptions
        {
            Latency = TimeSpan.FromMilliseconds(2),
            ServerBusyRate = 0.15,
            TimeoutRate = 0.15,
            DropConnectionRate = 0.15,
            Seed = 7,
        };
        var daemon = await harness.StartDaemonAsync("data");
        using var client = new RawClient(daemon.Address);

        await ReplicaHarness.BuildTreeAsync(client, "/t", files: 120);
        var status = await ReplicaHarness.WaitForSyncedAsync(client, SyncTimeout);

        Assert.NotEqual("none", status["upload.lastError"]); // the faults were met, and retried
        harness.Emulator.Faults = FaultOptions.None;
        Assert.Equal(0, await daemon.TerminateAsync());
        await harness.AssertReplicaEqualsStoreAsync("data");
    }

    [Fact]
    public async Task A_second_cluster_on_the_same_table_is_refused_while_the_first_keeps_going()
    {
        await using var harness = await ReplicaHarness.StartAsync();
        var first = await harness.StartDaemonAsync("first");
        using var firstClient = new RawClient(first.Address);
        await ReplicaHarness.BuildTreeAsync(firstClient, "/t", files: 10);
        await ReplicaHarness.WaitForSyncedAsync(firstClient, SyncTimeout);

        var second = await harness.StartDaemonAsync("second");
        using var secondClient = new RawClient(second.Address);
        await secondClient.MkdirsAsync("/intruder");
        var refused = await WaitForStateAsync(secondClient, "STOPPED");

        Assert.Equal("0", refused["_synced"]);
        Assert.Contains("is the replica of another cluster", refused["upload.lastError"], StringComparison.Ordinal);
        Assert.Contains(second.ErrorLogEntries(), line => line.Contains("is the replica of another cluster", StringComparison.Ordinal));
        await firstClient.MkdirsAsync("/t/still-uploading");
        await ReplicaHarness.WaitForSyncedAsync(firstClient, SyncTimeout);
        Assert.Equal(0, await first.TerminateAsync());
        await harness.AssertReplicaEqualsStoreAsync("first");
    }

    [Theory]
    [InlineData("namespace.ots.endpoint")]
    [InlineData("namespace.ots.instance")]
    [InlineData("namespace.ots.accessKey")]
    [InlineData("namespace.ots.accessSecret")]
    public async Task Upload_enabled_without_a_tablestore_setting_is_a_one_line_error_naming_it(string missing)
    {
        var settings = new Dictionary<string, string>
        {
            ["namespace.backend.rocksdb.async.ots.enabled"] = "true",
            ["namespace.ots.endpoint"] = "http://127.0.0.1:9",
            ["namespace.ots.instance"] = "emulator",
            ["namespace.ots.accessKey"] = "id",
            ["namespace.ots.accessSecret"] = "secret",
        };
        settings.Remove(missing);

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync(null, [.. settings.SelectMany(s => new[] { "-D", $"{s.Key}={s.Value}" })]);

        Assert.Equal(2, exitCode);
        Assert.Equal($"jindometa: configuration error: namespace.backend.rocksdb.async.ots.enabled = true needs {missing}", stderr.Trim());
    }

    private static async Task<IReadOnlyDictionary<string, string>> WaitForStateAsync(RawClient client, string state)
    {
        var deadline = DateTime.UtcNow + SyncTimeout;
        IReadOnlyDictionary<string, string> last;
        do
        {
            last = await ReplicaHarness.StatusAsync(client);
            if (last["upload.state"] == state)
            {
                return last;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new Xunit.Sdk.XunitException($"upload.state never became {state}: {string.Join(" ", last.Select(p => $"{p.Key}={p.Value}"))}");
    }
}
