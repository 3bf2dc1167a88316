using System.Collections.Concurrent;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>Cuts isolated nodes off: every message from or to one of them is dropped.</summary>
internal sealed class PartitionFaults : IRaftNetworkFaults
{
    private readonly ConcurrentDictionary<ulong, bool> _isolated = new();

    public void Isolate(ulong nodeId) => _isolated[nodeId] = true;

    public void Heal() => _isolated.Clear();

    public bool IsIsolated(ulong nodeId) => _isolated.ContainsKey(nodeId);

    public RaftFaultDecision Decide(Message message)
        => _isolated.ContainsKey(message.From) || _isolated.ContainsKey(message.To) ? RaftFaultDecision.Drop : RaftFaultDecision.Deliver;
}
