using JindoMeta.Replication;
using JindoMeta.Server.Hosting;
using JindoMeta.TableStore;
using JindoMeta.TableStore.Emulator;

namespace JindoMeta.Server.Tests.Replication;

/// <summary>
/// The raft leader's fence (<see cref="ReplicaTakeover"/>) against the emulator: once a new term took the checkpoint
/// row over, a deposed leader's late update fails instead of moving the checkpoint under the new leader.
/// </summary>
public sealed class ReplicaTakeoverTests : IAsyncLifetime
{
    private const string Table = "jindometa_takeover";
    private const string Cluster = "0123456789abcdef0123456789abcdef";
    private TableStoreEmulator _emulator = null!;
    private TableStoreClient _client = null!;

    public async Task InitializeAsync()
    {
        _emulator = await TableStoreEmulator.StartAsync(new EmulatorOptions { Port = 0 });
        _client = new TableStoreClient(_emulator.ClientOptions());
        await _client.CreateTableAsync(ReplicaTable.Schema(Table));
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _emulator.DisposeAsync();
    }

    [Fact]
    public async Task A_new_term_takes_the_row_over_and_the_deposed_leaders_late_update_then_fails()
    {
        var termOne = ReplicaTakeover.StoreIdOf(Cluster, 1);
        var deposed = await ClaimedAsync(termOne, index: 5);

        var taken = await ReplicaTakeover.TakeOverAsync(_client, Table, ReplicaTakeover.StoreIdOf(Cluster, 2), CancellationToken.None);
        var late = await Assert.ThrowsAsync<ReplicaConflictException>(() =>
            Checkpoint(termOne).AdvanceAsync(deposed, deposed with { Index = 9 }, 0, 0, CancellationToken.None));

        Assert.Equal(deposed, taken);
        Assert.Equal(new CheckpointState(5, $"{Cluster}.t2", SnapshotDone: true), await Checkpoint("").ReadAsync(CancellationToken.None));
        Assert.Contains("store 0123456789abcdef0123456789abcdef.t2", late.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("fedcba9876543210fedcba9876543210.t1")] // another cluster: the uploader refuses the table
    [InlineData("0123456789abcdef0123456789abcdef.t7")] // a later term of this cluster: this leader is the deposed one
    [InlineData("0123456789abcdef0123456789abcdef.t3")] // this very leadership: nothing to do
    [InlineData("a-rocksdb-store-id")] // not a raft leadership's id
    public async Task A_row_of_another_cluster_a_later_term_or_ours_is_left_alone(string holder)
    {
        await ClaimedAsync(holder, index: 5);

        var taken = await ReplicaTakeover.TakeOverAsync(_client, Table, ReplicaTakeover.StoreIdOf(Cluster, 3), CancellationToken.None);

        Assert.Null(taken);
        Assert.Equal(holder, (await Checkpoint("").ReadAsync(CancellationToken.None))!.StoreId);
    }

    [Fact]
    public async Task Without_a_table_or_a_row_there_is_nothing_to_take_over()
    {
        Assert.Null(await ReplicaTakeover.TakeOverAsync(_client, Table, ReplicaTakeover.StoreIdOf(Cluster, 3), CancellationToken.None));
        Assert.Null(await ReplicaTakeover.TakeOverAsync(_client, "jindometa_absent", ReplicaTakeover.StoreIdOf(Cluster, 3), CancellationToken.None));
    }

    private ReplicaCheckpoint Checkpoint(string storeId) => new(_client, Table, "takeover", storeId, TimeProvider.System);

    /// <summary>The row as the uploader of <paramref name="storeId"/> leaves it after its snapshot at <paramref name="index"/>.</summary>
    private async Task<CheckpointState> ClaimedAsync(string storeId, long index)
    {
        var row = Checkpoint(storeId);
        await row.ClaimAsync(index, CancellationToken.None);
        var pending = new CheckpointState(index, storeId, SnapshotDone: false);
        await row.AdvanceAsync(pending, pending with { SnapshotDone = true }, 0, 0, CancellationToken.None);
        return pending with { SnapshotDone = true };
    }
}
