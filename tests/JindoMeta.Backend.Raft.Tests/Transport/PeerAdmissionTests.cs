using System.Collections.Concurrent;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Protos.Raft.V1;
using JindoMeta.Raft;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>Node 1's peer listener admits only members of its own configuration, speaking for themselves, to itself.</summary>
public sealed class PeerAdmissionTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ConcurrentQueue<Message> _delivered = new();
    private readonly ConcurrentQueue<RaftPeerRefusal> _refusals = new();
    private InitialConfiguration _configuration = null!;
    private RaftPeerReceiver _receiver = null!;
    private RaftPeerHost _host = null!;

    public async Task InitializeAsync()
    {
        // Node 1 listens on port 0 (the system picks); the list names the picked port so node 2's transport finds it.
        var placeholder = InitialConfiguration.Parse("127.0.0.1:1:0,127.0.0.2:8103:0,127.0.0.3:8103:0");
        var probe = await RaftPeerHost.StartAsync(new RaftPeerHostOptions { Address = Loopback.AddressOf(1), Port = 0, Receivers = RaftPeerReceivers.Of(new RaftPeerReceiver(1, placeholder, _ => { })) });
        var port = probe.Port;
        Assert.NotEqual(0, port);
        await probe.DisposeAsync();

        _configuration = Configuration(port, priorityOfNode3: 0);
        _receiver = new RaftPeerReceiver(1, _configuration, _delivered.Enqueue, new TestOutputLogger(output, "receiver1"));
        _receiver.Refused += _refusals.Enqueue;
        _host = await RaftPeerHost.StartAsync(new RaftPeerHostOptions { Address = Loopback.AddressOf(1), Port = port, Receivers = RaftPeerReceivers.Of(_receiver) });
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Member_with_the_same_configuration_is_admitted_and_its_messages_delivered()
    {
        var outcome = await SendRawAsync(from: 2, _receiver.Fingerprint, ProtoHeartbeat(from: 2, to: 1));

        Assert.Null(outcome);
        var delivered = Assert.Single(_delivered);
        Assert.Equal(MessageType.Heartbeat, delivered.Type);
        Assert.Empty(_refusals);
    }

    [Fact]
    public async Task Non_member_is_refused_with_permission_denied_and_the_event_fires()
    {
        var outcome = await SendRawAsync(from: 9, _receiver.Fingerprint, ProtoHeartbeat(from: 9, to: 1));

        Assert.Equal(StatusCode.PermissionDenied, outcome?.StatusCode);
        Assert.Empty(_delivered);
        var refusal = Assert.Single(_refusals);
        Assert.Equal(RaftPeerRefusalReason.NotAMember, refusal.Reason);
        Assert.Equal(9ul, refusal.PeerId);
        Assert.StartsWith("peers disagree about namespace.backend.raft.initial-conf", refusal.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Member_with_a_different_list_is_refused_on_both_sides_naming_both_fingerprints()
    {
        var otherList = Configuration(_host.Port, priorityOfNode3: 1);
        var senderRefusals = new ConcurrentQueue<RaftPeerRefusal>();
        await using var sender = new GrpcRaftTransport(new GrpcRaftTransportOptions { SelfId = 2, Configuration = otherList, Logger = new TestOutputLogger(output, "transport2") });
        sender.PeerRefused += senderRefusals.Enqueue;

        // The sender opens its stream lazily and learns of the refusal on a later write: keep sending heartbeats.
        await Loopback.WaitUntilAsync(
            () =>
            {
                sender.Send([Heartbeat(from: 2, to: 1)]);
                return !senderRefusals.IsEmpty && !_refusals.IsEmpty;
            },
            "both sides report the refusal");

        Assert.Empty(_delivered);
        var refusal = _refusals.First();
        Assert.Equal(RaftPeerRefusalReason.ConfigurationMismatch, refusal.Reason);
        Assert.StartsWith("peers disagree about namespace.backend.raft.initial-conf", refusal.Description, StringComparison.Ordinal);
        Assert.Contains(sender.Fingerprint, refusal.Description, StringComparison.Ordinal);
        Assert.Contains(_receiver.Fingerprint, refusal.Description, StringComparison.Ordinal);
        Assert.Contains(_receiver.Fingerprint, senderRefusals.First().Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Message_claiming_another_sender_is_refused()
    {
        var outcome = await SendRawAsync(from: 2, _receiver.Fingerprint, ProtoHeartbeat(from: 3, to: 1));

        Assert.Equal(StatusCode.PermissionDenied, outcome?.StatusCode);
        Assert.Empty(_delivered);
        Assert.Equal(RaftPeerRefusalReason.SenderMismatch, Assert.Single(_refusals).Reason);
    }

    [Fact]
    public async Task Message_addressed_to_another_node_is_refused()
    {
        var outcome = await SendRawAsync(from: 2, _receiver.Fingerprint, ProtoHeartbeat(from: 2, to: 3));

        Assert.Equal(StatusCode.FailedPrecondition, outcome?.StatusCode);
        Assert.Empty(_delivered);
        Assert.Equal(RaftPeerRefusalReason.WrongRecipient, Assert.Single(_refusals).Reason);
    }

    [Fact]
    public async Task Stream_without_raft_headers_is_refused()
    {
        var outcome = await SendRawAsync(from: null, fingerprint: null, ProtoHeartbeat(from: 2, to: 1));

        Assert.Equal(StatusCode.PermissionDenied, outcome?.StatusCode);
        Assert.Equal(RaftPeerRefusalReason.MissingHeaders, Assert.Single(_refusals).Reason);
    }

    [Fact]
    public async Task A_full_append_and_a_full_snapshot_chunk_travel_in_one_batch_with_the_default_limits()
    {
        var raft = new RaftOptions { Id = 2, Storage = new MemoryRaftStorage() };
        var options = new GrpcRaftTransportOptions { SelfId = 2, Configuration = _configuration };
        options.ValidateAgainst(raft);
        await using var sender = new GrpcRaftTransport(options);
        var append = new Message { Type = MessageType.Append, From = 2, To = 1, Term = 1, Entries = [new Entry(1, 1, new byte[raft.MaxMessageBytes])] };
        var chunk = new Message { Type = MessageType.SnapshotChunk, From = 2, To = 1, Term = 1, SnapshotMetadata = new SnapshotMetadata(5, 1, [1, 2, 3]), SnapshotSize = (ulong)raft.MaxSnapshotChunkBytes, ChunkData = new byte[raft.MaxSnapshotChunkBytes] };

        sender.Send([append, chunk]);

        await Loopback.WaitUntilAsync(() => _delivered.Count == 2, "both large messages arrived");
        Assert.Equal((int)raft.MaxMessageBytes, _delivered.First().Entries[0].Data.Length);
        Assert.Equal(raft.MaxSnapshotChunkBytes, _delivered.Last().ChunkData.Length);
    }

    [Fact]
    public async Task Append_with_one_entry_above_grpcs_default_4_MB_limit_is_delivered()
    {
        // The core always sends at least one entry, whatever its size: the 8 MiB entry exceeds MaxMessageBytes and
        // gRPC's default message limit, but not the transport's.
        await using var sender = new GrpcRaftTransport(new GrpcRaftTransportOptions { SelfId = 2, Configuration = _configuration });

        sender.Send([new Message { Type = MessageType.Append, From = 2, To = 1, Term = 1, Entries = [new Entry(1, 1, new byte[8 << 20])] }]);

        await Loopback.WaitUntilAsync(() => _delivered.Count == 1, "the large append arrived");
        Assert.Equal(8 << 20, _delivered.Single().Entries[0].Data.Length);
    }

    [Fact]
    public async Task Second_listener_on_a_port_in_use_fails_to_start_with_an_IOException()
    {
        var error = await Assert.ThrowsAnyAsync<IOException>(async () =>
            await RaftPeerHost.StartAsync(new RaftPeerHostOptions { Address = Loopback.AddressOf(1), Port = _host.Port, Receivers = RaftPeerReceivers.Of(_receiver) }));

        Assert.Contains(_host.Port.ToString(CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
    }

    private static InitialConfiguration Configuration(int port, int priorityOfNode3)
        => InitialConfiguration.Parse(string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{port}:0,127.0.0.2:{port}:0,127.0.0.3:{port}:{priorityOfNode3}"));

    private static Message Heartbeat(ulong from, ulong to) => new() { Type = MessageType.Heartbeat, From = from, To = to, Term = 1 };

    private static RaftMessage ProtoHeartbeat(ulong from, ulong to) => RaftMessageMapper.ToProto(Heartbeat(from, to));

    /// <summary>Opens a stream as a hand-written peer would, sends one batch and closes; returns the refusal status
    /// (null when the stream was accepted).</summary>
    private async Task<Status?> SendRawAsync(ulong? from, string? fingerprint, RaftMessage message)
    {
        using var channel = GrpcChannel.ForAddress(string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{_host.Port}"));
        var client = new RaftPeerService.RaftPeerServiceClient(channel);
        var headers = new Metadata();
        if (from is { } id)
        {
            headers.Add(RaftPeerHeaders.From, id.ToString(CultureInfo.InvariantCulture));
        }

        if (fingerprint is not null)
        {
            headers.Add(RaftPeerHeaders.ConfigurationFingerprint, fingerprint);
        }

        using var call = client.Send(headers);
        try
        {
            var batch = new RaftBatch();
            batch.Messages.Add(message);
            await call.RequestStream.WriteAsync(batch);
            await call.RequestStream.CompleteAsync();
        }
        catch (Exception error) when (error is RpcException or InvalidOperationException)
        {
            // Refused before the write finished: the response carries the status.
        }

        try
        {
            var summary = await call.ResponseAsync;
            Assert.Equal(1ul, summary.MessagesReceived);
            return null;
        }
        catch (RpcException refused)
        {
            return refused.Status;
        }
    }
}
