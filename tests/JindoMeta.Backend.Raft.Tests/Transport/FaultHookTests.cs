using System.Collections.Concurrent;
using System.Globalization;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>The test-only hook decides per message: deliver, drop or delay.</summary>
public sealed class FaultHookTests
{
    [Fact]
    public async Task Dropped_messages_never_arrive_and_delayed_ones_arrive_after_the_delay()
    {
        var port = Loopback.FreePort(Loopback.AddressOf(1));
        var configuration = InitialConfiguration.Parse(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}:0,127.0.0.2:{port}:0,127.0.0.3:{port}:0"));
        var delivered = new ConcurrentQueue<Message>();
        await using var host = await RaftPeerHost.StartAsync(new RaftPeerHostOptions { Address = Loopback.AddressOf(1), Port = port, Receivers = RaftPeerReceivers.Of(new RaftPeerReceiver(1, configuration, delivered.Enqueue)) });
        var faults = new ByTermFaults();
        await using var sender = new GrpcRaftTransport(new GrpcRaftTransportOptions { SelfId = 2, Configuration = configuration, Faults = faults });

        // Term 1 is dropped, term 2 held back for 3 s, term 3 delivered at once: 2 arrives after 3, 1 never.
        sender.Send([Heartbeat(term: 1), Heartbeat(term: 2), Heartbeat(term: 3)]);
        await Loopback.WaitUntilAsync(() => delivered.Any(m => m.Term == 2), "the delayed message arrived");

        Assert.Equal([3ul, 2ul], delivered.Select(m => m.Term));
        Assert.Equal(1, sender.FaultDroppedMessages);
    }

    private static Message Heartbeat(ulong term) => new() { Type = MessageType.Heartbeat, From = 2, To = 1, Term = term };

    private sealed class ByTermFaults : IRaftNetworkFaults
    {
        public RaftFaultDecision Decide(Message message) => message.Term switch
        {
            1 => RaftFaultDecision.Drop,
            2 => RaftFaultDecision.DelayBy(TimeSpan.FromSeconds(3)),
            _ => RaftFaultDecision.Deliver,
        };
    }
}
