namespace JindoMeta.Namespace.Tests.Reference;

/// <summary>A clock the test sets by hand, so a backend's command times are known to the reference model.</summary>
public sealed class ManualTimeProvider(long startMs) : TimeProvider
{
    private long _nowMs = startMs;

    public long NowMs
    {
        get => Interlocked.Read(ref _nowMs);
        set => Interlocked.Exchange(ref _nowMs, value);
    }

    public override DateTimeOffset GetUtcNow() => DateTimeOffset.FromUnixTimeMilliseconds(NowMs);
}
