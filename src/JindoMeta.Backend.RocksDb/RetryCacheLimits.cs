namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// How long and how many call outcomes the <see cref="RetryCache"/> keeps. On the raft backend these are part of the
/// replicated semantics (every node must sweep the same rows), so they are not configuration keys: change them only
/// in code, for every node at once.
/// </summary>
/// <param name="Window">How long an outcome is remembered, measured in command time. HDFS's default
/// (dfs.namenode.retrycache.expirytime.millis) is 10 minutes: far above a client's operation deadline plus a failover.</param>
/// <param name="MaxEntries">Most outcomes kept; beyond it the oldest go first, expired or not. 500,000 entries are
/// about 80 MB of rows (a call row of ~120 bytes plus a 33-byte index row), ten minutes at 830 writes a second.</param>
/// <param name="SweepPerCall">Most entries one call removes: the sweep is bounded so that no single command pays for
/// a backlog, and since each call adds at most one, 32 drain any backlog quickly.</param>
public sealed record RetryCacheLimits(TimeSpan Window, int MaxEntries, int SweepPerCall)
{
    public static RetryCacheLimits Default { get; } = new(TimeSpan.FromMinutes(10), 500_000, 32);

    public long WindowMs => (long)Window.TotalMilliseconds;

    public void Validate()
    {
        if (Window <= TimeSpan.Zero || MaxEntries < 1 || SweepPerCall < 2)
        {
            throw new ArgumentException($"Retry cache limits must be positive, with a sweep of at least 2 per call (got {this}).");
        }
    }
}
