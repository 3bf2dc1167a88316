using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>Test-only fault injection: decides, for each outgoing message, whether the network delivers it, loses it
/// or holds it back. Set only by tests through <see cref="GrpcRaftTransportOptions.Faults"/>; no configuration key
/// reaches it, so a production node always delivers.</summary>
/// <remarks>Called on the driver loop from <see cref="GrpcRaftTransport.Send"/>: it must be quick and thread-safe
/// (tests change the partition from another thread).</remarks>
public interface IRaftNetworkFaults
{
    RaftFaultDecision Decide(Message message);
}

/// <summary>What <see cref="IRaftNetworkFaults"/> does with one message.</summary>
public readonly record struct RaftFaultDecision(RaftFaultAction Action, TimeSpan Delay)
{
    public static RaftFaultDecision Deliver { get; } = new(RaftFaultAction.Deliver, TimeSpan.Zero);

    public static RaftFaultDecision Drop { get; } = new(RaftFaultAction.Drop, TimeSpan.Zero);

    public static RaftFaultDecision DelayBy(TimeSpan delay) => new(RaftFaultAction.Delay, delay);
}

public enum RaftFaultAction : byte
{
    Deliver,
    Drop,
    Delay,
}
