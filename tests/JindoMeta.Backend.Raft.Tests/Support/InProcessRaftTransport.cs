using System.Collections.Concurrent;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Support;

/// <summary>The network of drivers in one process: a message goes straight into its recipient's queue; one to a
/// node that is not in the map (stopped, or not started yet) is lost, as on a real network.</summary>
internal sealed class InProcessRaftTransport(ConcurrentDictionary<ulong, RaftDriver> drivers) : IRaftTransport
{
    public void Send(IReadOnlyList<Message> messages)
    {
        foreach (var message in messages)
        {
            if (drivers.TryGetValue(message.To, out var driver))
            {
                driver.Receive(message);
            }
        }
    }
}
