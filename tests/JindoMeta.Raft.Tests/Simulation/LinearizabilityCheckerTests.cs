namespace JindoMeta.Raft.Tests.Simulation;

public sealed class LinearizabilityCheckerTests
{
    private static KvOperation Put(int client, string value, long invoked, long returned) => new(client, "k", true, value, invoked, returned);

    private static KvOperation Get(int client, string? value, long invoked, long returned) => new(client, "k", false, value, invoked, returned);

    [Fact]
    public void Sequential_history_with_latest_reads_is_linearizable()
        => Assert.Null(LinearizabilityChecker.Check([Put(0, "1", 0, 1), Get(1, "1", 2, 3), Put(0, "2", 4, 5), Get(1, "2", 6, 7)]));

    [Fact]
    public void Stale_read_after_a_completed_write_is_not_linearizable()
        => Assert.NotNull(LinearizabilityChecker.Check([Put(0, "1", 0, 1), Put(0, "2", 2, 3), Get(1, "1", 4, 5)]));

    [Fact]
    public void Read_concurrent_with_a_write_may_see_either_value()
    {
        Assert.Null(LinearizabilityChecker.Check([Put(0, "1", 0, 1), Put(0, "2", 2, 6), Get(1, "1", 3, 4)]));
        Assert.Null(LinearizabilityChecker.Check([Put(0, "1", 0, 1), Put(0, "2", 2, 6), Get(1, "2", 3, 4)]));
    }

    [Fact]
    public void Reads_may_not_go_back_in_time()
        => Assert.NotNull(LinearizabilityChecker.Check([Put(0, "1", 0, 1), Put(0, "2", 2, 10), Get(1, "2", 3, 4), Get(2, "1", 5, 6)]));

    [Fact]
    public void Write_with_unknown_outcome_may_take_effect_late_or_never()
    {
        Assert.Null(LinearizabilityChecker.Check([Put(0, "1", 0, long.MaxValue), Get(1, null, 2, 3), Get(1, "1", 4, 5)]));
        Assert.Null(LinearizabilityChecker.Check([Put(0, "1", 0, long.MaxValue), Get(1, null, 2, 3), Get(1, null, 40, 50)]));
        Assert.NotNull(LinearizabilityChecker.Check([Put(0, "1", 5, long.MaxValue), Get(1, "1", 0, 3)]));
    }

    [Fact]
    public void Read_of_a_value_never_written_is_not_linearizable()
        => Assert.NotNull(LinearizabilityChecker.Check([Put(0, "1", 0, 1), Get(1, "7", 2, 3)]));

    /// <summary>The simulation's checker is not vacuous: serving reads locally without ReadIndex (stale reads from
    /// partitioned or lagging nodes) is caught in some seeds.</summary>
    [Fact]
    public void Simulation_catches_reads_served_without_read_index()
    {
        var caught = Enumerable.Range(0, 60).Count(seed =>
            new KvSimulation(new SimulationOptions(seed, 3, UnsafeLocalReads: true)).Run().Failure?.Contains("not linearizable", StringComparison.Ordinal) == true);
        Assert.True(caught > 0, "no seed exposed stale local reads");
    }
}
