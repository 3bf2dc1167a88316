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
        Assert.True(target.MostRanges > 17, $"no range was split ({target.MostRanges} ranges)");
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
        public Func<int, Task>? BeforeLoad { get; init; }
        public int MostRanges { get; private set; }

        public RecoveryStage RecoveryStage => Origin is not null ? RecoveryStage.Finished : RecoveryProgress is not null ? RecoveryStage.Loading : RecoveryStage.Empty;

        public byte[]? RecoveryProgress { get; private set; }

        public void LoadRows(IReadOnlyList<RowChange> rows, byte[] progress)
        {
            var count = Interlocked.Increment(ref _loads);
            BeforeLoad?.Invoke(count).GetAwaiter().GetResult();
            if (count > FailAfterLoads)
            {
                throw new IOException("simulated crash of the store");
            }

            lock (_lock)
            {
                foreach (var row in rows)
                {
                    Rows[row.Table + "/" + Convert.ToHexString(row.Key)] = Convert.ToHexString(row.Value!);
                }

                RecoveryProgress = progress;
                MostRanges = Math.Max(MostRanges, RecoveryPlan.Decode(progress).Ranges.Count);
            }
        }

        public void FinishRecovery(ReplicaOrigin origin)
        {
            Origin = origin;
            RecoveryProgress = null;
        }
    }
}
