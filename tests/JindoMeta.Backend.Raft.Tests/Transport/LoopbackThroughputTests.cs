using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Raft;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>A stream of appends over a healthy connection: every message is delivered in order or counted as dropped.
/// The sustained rate is logged (a measurement, not an assertion): the producer backs off while the queue holds more
/// than a few batches, as a leader's pipeline does when its in-flight window fills.</summary>
public sealed class LoopbackThroughputTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Every_message_of_a_flood_is_delivered_in_order_or_counted_as_dropped()
    {
        const int messages = 200_000;
        var port = Loopback.FreePort(Loopback.AddressOf(1));
        var configuration = InitialConfiguration.Parse(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}:0,127.0.0.2:{port}:0,127.0.0.3:{port}:0"));
        var delivered = new ConcurrentQueue<ulong>();
        var receiver = new RaftPeerReceiver(1, configuration, message => delivered.Enqueue(message.Commit));
        await using var host = await RaftPeerHost.StartAsync(new RaftPeerHostOptions { Address = Loopback.AddressOf(1), Port = port, Receivers = RaftPeerReceivers.Of(receiver) });
        await using var sender = new GrpcRaftTransport(new GrpcRaftTransportOptions { SelfId = 2, Configuration = configuration });
        var entry = new Entry(1, 1, new byte[64]);
        sender.Send([new Message { Type = MessageType.Heartbeat, From = 2, To = 1, Term = 1 }]);
        await Loopback.WaitUntilAsync(() => delivered.Count == 1, "the stream is open");
        delivered.Clear();

        var clock = Stopwatch.StartNew();
        var batch = new Message[100];
        for (var sent = 0; sent < messages; sent += batch.Length)
        {
            for (var i = 0; i < batch.Length; i++)
            {
                // Commit carries a sequence number so the receiver's order can be checked.
                batch[i] = new Message { Type = MessageType.Append, From = 2, To = 1, Term = 1, Commit = (ulong)(sent + i), Entries = [entry] };
            }

            sender.Send(batch);
            while (sender.GetStatistics(1).QueuedMessages > 1_000)
            {
                await Task.Yield();
            }
        }

        await Loopback.WaitUntilAsync(() => delivered.Count + sender.GetStatistics(1).DroppedMessages == messages, "every message is delivered or counted as dropped");
        var elapsed = clock.Elapsed;
        var statistics = sender.GetStatistics(1);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{messages} appends of one 64-byte entry over loopback: {delivered.Count} delivered in {elapsed.TotalMilliseconds:F0} ms ({delivered.Count / elapsed.TotalSeconds:F0} messages/s) in {statistics.SentBatches} batches, {statistics.DroppedMessages} dropped"));

        var order = delivered.ToArray();
        Assert.True(order.Zip(order.Skip(1)).All(pair => pair.First < pair.Second), "messages arrived in the order they were sent");
        Assert.Equal(order.Length + 1, receiver.ReceivedMessages); // and the warm-up heartbeat
    }
}
