using System.Diagnostics;
using System.Globalization;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Raft;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>Peers that are down cost the driver nothing: Send returns at once and each peer's queue stays bounded.</summary>
public sealed class DeadPeerTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Send_to_dead_peers_never_waits_and_their_queues_stay_within_bounds()
    {
        const int maxQueued = 100;
        const long maxQueuedBytes = 64 << 10;
        const int rounds = 25_000;
        var configuration = InitialConfiguration.Parse(string.Join(',', GrpcRaftCluster.Voters.Select(id => string.Create(CultureInfo.InvariantCulture, $"{Loopback.AddressOf(id)}:{Loopback.FreePort(Loopback.AddressOf(id))}:0"))));
        await using var transport = new GrpcRaftTransport(new GrpcRaftTransportOptions
        {
            SelfId = 1,
            Configuration = configuration,
            MaxQueuedMessages = maxQueued,
            MaxQueuedBytes = maxQueuedBytes,
            Logger = new TestOutputLogger(output, "transport1"),
        });
        var payload = new byte[1024];
        Message[] ready =
        [
            new() { Type = MessageType.Append, From = 1, To = 2, Term = 1, Entries = [new Entry(1, 1, payload)] },
            new() { Type = MessageType.Append, From = 1, To = 3, Term = 1, Entries = [new Entry(1, 1, payload)] },
            new() { Type = MessageType.Heartbeat, From = 1, To = 2, Term = 1 },
            new() { Type = MessageType.Heartbeat, From = 1, To = 3, Term = 1 },
        ];

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < rounds; i++)
        {
            transport.Send(ready);
        }

        var elapsed = clock.Elapsed;
        var sends = rounds;
        var maxSeenMessages = 0;
        var maxSeenBytes = 0L;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{rounds * ready.Length} messages to two dead peers: Send took {elapsed.TotalMilliseconds:F0} ms in all ({elapsed.TotalNanoseconds / (rounds * ready.Length):F0} ns per message)"));

        // Keep sending as a driver would (heartbeats every tick), watching the queues, until both senders retried.
        await Loopback.WaitUntilAsync(
            () =>
            {
                transport.Send(ready);
                sends++;
                foreach (var peer in new ulong[] { 2, 3 })
                {
                    var statistics = transport.GetStatistics(peer);
                    maxSeenMessages = Math.Max(maxSeenMessages, statistics.QueuedMessages);
                    maxSeenBytes = Math.Max(maxSeenBytes, statistics.QueuedBytes);
                }

                return transport.GetStatistics(2).StreamFailures >= 3 && transport.GetStatistics(3).StreamFailures >= 3;
            },
            "both senders failed to connect and retried");

        // Quiet: every message ends up dropped (queue full, or discarded when a connection attempt failed), none sent.
        await Loopback.WaitUntilAsync(() => transport.GetStatistics(2).DroppedMessages == 2L * sends && transport.GetStatistics(3).DroppedMessages == 2L * sends, "every message to the dead peers is counted as dropped");
        foreach (var peer in new ulong[] { 2, 3 })
        {
            var statistics = transport.GetStatistics(peer);
            output.WriteLine(statistics.ToString());
            Assert.False(statistics.Connected);
            Assert.Equal(0, statistics.SentMessages);
            Assert.Equal(0, statistics.QueuedMessages);
        }

        Assert.InRange(maxSeenMessages, 1, maxQueued);
        Assert.InRange(maxSeenBytes, 1, maxQueuedBytes);
    }
}
