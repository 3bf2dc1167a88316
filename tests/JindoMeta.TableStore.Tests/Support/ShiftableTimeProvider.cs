namespace JindoMeta.TableStore.Tests.Support;

/// <summary>Real time plus an offset the test moves forward (stays within the 15-minute date check).</summary>
internal sealed class ShiftableTimeProvider : TimeProvider
{
    private long _offsetTicks;

    public void Advance(TimeSpan by) => Interlocked.Add(ref _offsetTicks, by.Ticks);

    public override DateTimeOffset GetUtcNow() => System.GetUtcNow() + TimeSpan.FromTicks(Interlocked.Read(ref _offsetTicks));
}
