using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.TableStore;
using JindoMeta.TableStore.Emulator;
using Microsoft.Extensions.Logging.Abstractions;
using RowChange = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Replication.Tests;

/// <summary>
/// Recovery against the emulator with an in-memory target: every row comes back once, readers split a dense range
/// among themselves, and a recovery cut off after a few loads resumes from its progress record and ends exact.
/// </summary>
public sealed class ReplicaRecoveryTests : IAsyncLifetime
{
    private const int Parents = 12;
    private const int ChildrenPerParent = 900;

    private TableStoreEmulator _emulator = null!;
    private TableStoreClient _client = null!;
    private InMemorySource _source = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TableStoreEmulator.StartAsync(new EmulatorOptions { Port = 0 });
        _client = new TableStoreClient(_emulator.ClientOptions());
        // All the children sit under a few parents with low ids while the next inode id is far above them: of the
        // 16 equal initial ranges only the first holds rows, so the other readers must split it to help.
        _source = new InMemorySource("01d5");
        _source.Append(new RowChange(NamespaceSchema.MetaTable, NamespaceSchema.MetaKeys.NextInodeId, NamespaceSchema.Int64Value(5_000_000)));
        for (var parent = 0; parent < Parents; parent++)
        {
            _source.Append([.. Enumerable.Range(0, ChildrenPerParent).Select(i => Dentry(NamespaceSchema.RootInodeId + (parent * 3), $"f{i:D5}"))]);
        }

        await using var uploader = new AsyncUploader(_source, _client, new AsyncUploaderOptions { Namespace = "test", PollInterval = TimeSpan.FromMilliseconds(5) }, NullLogger.Instance);
        uploader.Start();
        await WaitUntilAsync(() => uploader.GetStatus().Synced);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task Every_row_comes_back_once_and_idle_readers_split_the_dense_range()
    {
        var target = new InMemoryTarget();
        await using var recovery = Recovery(target, pageLimitRows: 500);

        recovery.Start();
        await recovery.Completion;

        var status = recovery.GetStatus();
        Assert.True(status.State == "FINISH", status.LastError);
        Assert.Equal(ExpectedRows(), target.Rows);
        Assert.Equal(target.Rows.Count, status.RowsLoaded);
        Assert.Equal(new ReplicaOrigin("01d5", _source.LastIndex), target.Origin);
        // 16 ranges and the open tail end at 17 distinct parents; every split adds an end.
        Assert.True(target.RangeEnds.Count > 17, $"no range was split ({target.RangeEnds.Count} range ends)");
    }

    [Fact]
    public async Task A_recovery_cut_off_after_some_loads_resumes_where_each_range_stood_and_counts_each_row_once()
    {
        var target = new InMemoryTarget { FailAfterLoads = 5 };
        await using (var first = Recovery(target, pageLimitRows: 500))
        {
            first.Start();
            await first.Completion;
            Assert.Equal("FAILED", first.GetStatus().State);
        }

        Assert.Equal(RecoveryStage.Loading, target.RecoveryStage);
        var partial = target.Rows.Count;
        target.FailAfterLoads = int.MaxValue;
        await using var second = Recovery(target, pageLimitRows: 500);
        second.Start();
        await second.Completion;

        Assert.Equal("FINISH", second.GetStatus().State);
        Assert.InRange(partial, 1, ExpectedRows().Count - 1);
        Assert.Equal(ExpectedRows(), target.Rows);
        Assert.Equal(target.Rows.Count, second.GetStatus().RowsLoaded);
    }

    [Fact]
    public async Task A_recovery_whose_load_is_refused_for_lost_leadership_stops_as_standby_and_the_next_leader_resumes_it()
    {
        var target = new InMemoryTarget { NotLeaderAfterLoads = 5 };
        await using (var deposed = Recovery(target, pageLimitRows: 500))
        {
            deposed.Start();
            await deposed.Completion;
            Assert.Equal((ReplicaRecovery.Standby, null), (deposed.GetStatus().State, deposed.GetStatus().LastError)); // not FAILED
        }

        target.NotLeaderAfterLoads = int.MaxValue;
        await using var leader = Recovery(target, pageLimitRows: 500);
        leader.Start();
        await leader.Completion;

        Assert.Equal("FINISH", leader.GetStatus().State);
        Assert.Equal(ExpectedRows(), target.Rows);
    }

    [Fact]
    public async Task A_checkpoint_that_moves_during_the_recovery_fails_it_instead_of_finishing()
    {
        var target = new InMemoryTarget { BeforeLoad = count => count == 2 ? MoveCheckpoint() : Task.CompletedTask };
        await using var recovery = Recovery(target, pageLimitRows: 500);

        recovery.Start();
        await recovery.Completion;

        Assert.Equal("FAILED", recovery.GetStatus().State);
        Assert.Contains("while it was being recovered: another cluster still uploads to it", recovery.GetStatus().LastError, StringComparison.Ordinal);
        Assert.Null(target.Origin);
    }

    [Fact]
    public async Task Rows_of_an_upload_run_that_never_completed_are_recovered_as_they_were_at_the_checkpoint_and_put_back()
    {
        // A writer that died mid-run: past the checkpoint it changed one row, deleted another and created a third,
        // each write carrying the row's image at the checkpoint, as the uploader's do; its checkpoint never moved.
        var table = ReplicaTable.TableName("test");
        var checkpoint = _source.LastIndex;
        var changed = Dentry(NamespaceSchema.RootInodeId, "f00001");
        var deleted = Dentry(NamespaceSchema.RootInodeId, "f00002");
        var created = Dentry(NamespaceSchema.RootInodeId, "new");
        var before = await ImagesAsync(table, checkpoint, changed, deleted);
        await _client.BatchWriteRowAsync(
        [
            ReplicaTable.ToWrite(table, changed with { Value = [9, 9, 9] }, checkpoint + 3, before[0]),
            ReplicaTable.ToWrite(table, deleted with { Value = null }, checkpoint + 2, before[1]),
            ReplicaTable.ToWrite(table, created, checkpoint + 1, new ReplicaImage(null, checkpoint, Torn: false)),
        ]);
        var target = new InMemoryTarget();
        await using var recovery = new ReplicaRecovery(target, _client,
            new ReplicaRecoveryOptions { Namespace = "test", PageRows = 500, WriterQuietPeriod = TimeSpan.Zero }, NullLogger.Instance);

        recovery.Start();
        await recovery.Completion;

        Assert.True(recovery.GetStatus().State == "FINISH", recovery.GetStatus().LastError);
        Assert.Equal(ExpectedRows(), target.Rows); // exactly the state at the checkpoint
        // And the table is back at the checkpoint too, so the next writer finds no row past it.
        var after = await ImagesAsync(table, checkpoint, changed, deleted, created);
        Assert.All(after, image => Assert.False(image.Torn));
        Assert.Equal(changed.Value, after[0].Value);
        Assert.Equal(deleted.Value, after[1].Value);
        Assert.Null(after[2].Value);
    }

    private async Task<ReplicaImage[]> ImagesAsync(string table, long checkpoint, params RowChange[] rows)
    {
        var results = await _client.BatchGetRowAsync([new BatchGetTable(table, [.. rows.Select(ReplicaTable.Key)])]);
        return [.. results.Select(r => ReplicaTable.ImageAt(r.Row!, checkpoint))];
    }

    private Task MoveCheckpoint() =>
        _client.UpdateRowAsync(ReplicaTable.TableName("test"), ReplicaCheckpoint.Key, [ColumnUpdate.Put(ReplicaTable.IndexColumn, _source.LastIndex + 1)]);

    private ReplicaRecovery Recovery(InMemoryTarget target, int pageLimitRows) =>
        new(target, _client, new ReplicaRecoveryOptions { Namespace = "test", PageRows = pageLimitRows }, NullLogger.Instance);

    private SortedDictionary<string, string> ExpectedRows()
    {
        using var snapshot = _source.OpenSnapshot();
        return new(snapshot.Rows().ToDictionary(r => r.Table + "/" + Convert.ToHexString(r.Key), r => Convert.ToHexString(r.Value!)), StringComparer.Ordinal);
    }

    private static RowChange Dentry(long parent, string name) => new(NamespaceSchema.DentriesTable, NamespaceSchema.DentryKey(parent, name),
        InodeRecordCodec.Encode(new InodeRecord
        {
            Id = 100_000 + name.GetHashCode(StringComparison.Ordinal), Type = InodeType.File, Permission = 0x1A4, Owner = "alice", Group = "staff",
            ModificationTime = 1_700_000_000_000 + parent, AccessTime = 0, Length = name.Length,
        }));

    private static async Task WaitUntilAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 20 s");
            await Task.Delay(10);
        }
    }

    /// <summary>A store in memory: loads apply atomically with their progress record, as the RocksDB target's do.</summary>
    private sealed class InMemoryTarget : IRecoveryTarget
    {
        private readonly Lock _lock = new();
        private int _loads;

        public SortedDictionary<string, string> Rows { get; } = new(StringComparer.Ordinal);
        public ReplicaOrigin? Origin { get; private set; }
        public int FailAfterLoads { get; set; } = int.MaxValue;
        public int NotLeaderAfterLoads { get; set; } = int.MaxValue;
        public Func<int, Task>? BeforeLoad { get; init; }
        public HashSet<long> RangeEnds { get; } = [];

        public RecoveryStage RecoveryStage => Origin is not null ? RecoveryStage.Finished : RecoveryProgress is not null ? RecoveryStage.Loading : RecoveryStage.Empty;

        public byte[]? RecoveryProgress { get; private set; }

        public async ValueTask<RecoveryWrite> LoadRowsAsync(IReadOnlyList<RowChange> rows, byte[] progress, CancellationToken cancellationToken)
        {
            var count = Interlocked.Increment(ref _loads);
            if (BeforeLoad is { } before)
            {
                await before(count);
            }

            if (count > FailAfterLoads)
            {
                throw new IOException("simulated crash of the store");
            }

            if (count > NotLeaderAfterLoads)
            {
                return RecoveryWrite.NotLeader; // as a raft node that lost leadership: nothing written here
            }

            lock (_lock)
            {
                foreach (var row in rows)
                {
                    Rows[row.Table + "/" + Convert.ToHexString(row.Key)] = Convert.ToHexString(row.Value!);
                }

                RecoveryProgress = progress;
                RangeEnds.UnionWith(RecoveryPlan.Decode(progress).Ranges.Select(r => r.EndParent));
            }

            return RecoveryWrite.Written;
        }

        public ValueTask<RecoveryWrite> FinishRecoveryAsync(ReplicaOrigin origin, CancellationToken cancellationToken)
        {
            Origin = origin;
            RecoveryProgress = null;
            return ValueTask.FromResult(RecoveryWrite.Written);
        }
    }
}
