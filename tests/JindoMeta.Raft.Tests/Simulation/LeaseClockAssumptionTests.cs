namespace JindoMeta.Raft.Tests.Simulation;

/// <summary>Lease-based reads rest on a clock assumption (see <see cref="ReadOnlyMode.LeaseBased"/>). These tests show
/// the assumption is real: with the leader's clock running at a quarter speed, lease reads served by a leader while it
/// wrongly believes it still leads are caught as stale, while ReadIndex stays linearizable under the same drift.</summary>
public sealed class LeaseClockAssumptionTests
{
    private const int Seeds = 150;

    [Fact]
    public void Lease_reads_break_when_a_leaders_clock_runs_slow()
    {
        var stale = Enumerable.Range(0, Seeds).Count(seed =>
            new KvSimulation(new SimulationOptions(seed, 3, ReadMode: ReadOnlyMode.LeaseBased, SlowLeaderClock: true)).Run().Failure?.Contains("not linearizable", StringComparison.Ordinal) == true);
        Assert.True(stale > 0, "no seed exposed a stale lease read under clock drift; the test no longer demonstrates the assumption");
    }

    [Fact]
    public void Read_index_stays_linearizable_under_the_same_clock_drift()
    {
        var failures = Enumerable.Range(0, Seeds)
            .Select(seed => (seed, new KvSimulation(new SimulationOptions(seed, 3, ReadMode: ReadOnlyMode.Safe, SlowLeaderClock: true)).Run().Failure))
            .Where(run => run.Failure is not null)
            .ToList();
        Assert.True(failures.Count == 0, $"seed {failures.FirstOrDefault().seed}: {failures.FirstOrDefault().Failure}");
    }
}
