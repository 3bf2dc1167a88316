using JindoMeta.Namespace.Schema;
using JindoMeta.TableStore;
using JindoMeta.TableStore.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using RowChange = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Replication.Tests;

/// <summary>The checkpoint's conditional updates against the emulator: one table, one writer.</summary>
public sealed class CheckpointConflictTests : IAsyncLifetime
{
    private TableStoreEmulator _emulator = null!;
    private TableStoreClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TableStoreEmulator.StartAsync(new EmulatorOptions { Port = 0 });
        _client = new TableStoreClient(_emulator.ClientOptions());
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Two_stores_started_together_on_one_empty_table_one_uploads_and_the_other_stops()
    {
        var first = new InMemorySource("aaaa");
        var second = new InMemorySource("bbbb");
        first.Append(Dentry("one"));
        second.Append(Dentry("two"));
        await using var a = Uploader(first);
        await using var b = Uploader(second);
        a.Start();
        b.Start();

        await WaitUntilAsync(() => a.GetStatus().State is "RUNNING" or "STOPPED" && b.GetStatus().State is "RUNNING" or "STOPPED");

        var states = new[] { a.GetStatus(), b.GetStatus() };
        Assert.Single(states, s => s.Synced);
        var stopped = Assert.Single(states, s => s.State == "STOPPED");
        Assert.Contains("is the replica of another cluster", stopped.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_checkpoint_moved_by_another_writer_stops_the_uploader()
    {
        var source = new InMemorySource("aaaa");
        source.Append(Dentry("one"));
        await using var uploader = Uploader(source);
        uploader.Start();
        await WaitUntilAsync(() => uploader.GetStatus().Synced);

        await _client.UpdateRowAsync(uploader.Table, ReplicaCheckpoint.Key, [ColumnUpdate.Put(ReplicaTable.IndexColumn, 99)]);
        source.Append(Dentry("two"));
        await WaitUntilAsync(() => uploader.GetStatus().State == "STOPPED");

        Assert.Contains("moved to 99 under this uploader", uploader.GetStatus().LastError, StringComparison.Ordinal);
        Assert.InRange(source.FirstIndex, 1, 2); // the entry after the last good checkpoint (1) is kept
    }

    [Fact]
    public async Task A_trim_throttled_after_the_last_run_happens_once_the_upload_is_idle()
    {
        var source = new InMemorySource("aaaa");
        await using var uploader = Uploader(source);
        uploader.Start();
        await WaitUntilAsync(() => uploader.GetStatus().State == "RUNNING");
        source.Append(Dentry("one"));
        await WaitUntilAsync(() => uploader.GetStatus().Synced && source.FirstIndex == 2); // the first run trims at once

        // Uploaded well within a second of the first trim, so that run's trim is throttled; nothing is written after it.
        source.Append(Dentry("two"));
        await WaitUntilAsync(() => uploader.GetStatus() is { Synced: true, Checkpoint: 2 });
        await WaitUntilAsync(() => source.FirstIndex == 3);
    }

    private AsyncUploader Uploader(InMemorySource source) =>
        new(source, _client, new AsyncUploaderOptions { Namespace = "test", PollInterval = TimeSpan.FromMilliseconds(5) }, NullLogger.Instance);

    private static RowChange Dentry(string name) =>
        new(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(16385, name), [1, 2, 3]);

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 10 s");
            await Task.Delay(10);
        }
    }
}
