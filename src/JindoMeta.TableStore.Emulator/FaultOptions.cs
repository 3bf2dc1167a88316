namespace JindoMeta.TableStore.Emulator;

/// <summary>Fault injection for tests: latency, busy/timeout answers at a rate, dropped connections.</summary>
public sealed record FaultOptions
{
    public static FaultOptions None { get; } = new();

    /// <summary>Added before each request is handled.</summary>
    public TimeSpan Latency { get; init; }

    /// <summary>Fraction of requests answered 503 OTSServerBusy before they run.</summary>
    public double ServerBusyRate { get; init; }

    /// <summary>Fraction of requests answered 503 OTSTimeout before they run.</summary>
    public double TimeoutRate { get; init; }

    /// <summary>Fraction of requests whose connection is aborted without a reply, before they run.</summary>
    public double DropConnectionRate { get; init; }

    public int Seed { get; init; } = 1;
}
