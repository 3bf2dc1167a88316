using System.Globalization;
using Grpc.Core;
using JindoMeta.Protos.Raft.V1;
using JindoMeta.Raft;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>The receiving side's rules: which streams are admitted and which messages reach the raft node.</summary>
/// <remarks>
/// A stream is admitted when its headers name a member of this node's configuration and present the same
/// configuration fingerprint; every message on it must then come from that member and be addressed to this node.
/// Anything else refuses the whole stream (PERMISSION_DENIED for an unknown or lying sender, FAILED_PRECONDITION for
/// a configuration that differs) and raises <see cref="Refused"/>: these are misconfigurations, not network faults,
/// and a cluster whose nodes disagree about who is who must not run. Independent of ASP.NET Core so the rules can be
/// tested directly; <see cref="RaftPeerReceiverService"/> applies them to gRPC calls.
/// </remarks>
public sealed class RaftPeerReceiver
{
    private readonly InitialConfiguration _configuration;
    private readonly Action<Message> _sink;
    private readonly ILogger _logger;
    private long _receivedMessages;
    private long _refusedStreams;

    /// <param name="sink">Where admitted messages go, e.g. <see cref="RaftDriver.Receive"/>; called on gRPC threads,
    /// so it must be thread-safe and must not block.</param>
    public RaftPeerReceiver(ulong selfId, InitialConfiguration configuration, Action<Message> sink, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(sink);
        if (!configuration.Members.Any(member => member.NodeId == selfId))
        {
            throw new ArgumentException($"Node {selfId} is not a member of {InitialConfiguration.ConfigurationKey} ({RaftConfigurationFingerprint.Normalize(configuration)}).", nameof(selfId));
        }

        SelfId = selfId;
        _configuration = configuration;
        _sink = sink;
        _logger = logger ?? NullLogger.Instance;
        Fingerprint = RaftConfigurationFingerprint.Compute(configuration);
    }

    /// <summary>A stream was refused. Raised on a gRPC thread; for <see cref="RaftPeerRefusalReason.ConfigurationMismatch"/>
    /// and <see cref="RaftPeerRefusalReason.NotAMember"/> the description starts with "peers disagree about
    /// namespace.backend.raft.initial-conf", the line a host stops with.</summary>
    public event Action<RaftPeerRefusal>? Refused;

    public ulong SelfId { get; }

    public string Fingerprint { get; }

    /// <summary>Messages handed to the sink.</summary>
    public long ReceivedMessages => Interlocked.Read(ref _receivedMessages);

    public long RefusedStreams => Interlocked.Read(ref _refusedStreams);

    /// <summary>Checks a new stream's headers; returns the sender's id.</summary>
    /// <exception cref="RpcException">The stream is refused; the status says why, naming both fingerprints.</exception>
    public ulong AdmitStream(Metadata requestHeaders)
    {
        ArgumentNullException.ThrowIfNull(requestHeaders);
        var fromText = requestHeaders.GetValue(RaftPeerHeaders.From);
        var fingerprint = requestHeaders.GetValue(RaftPeerHeaders.ConfigurationFingerprint);
        if (fromText is null || fingerprint is null || !ulong.TryParse(fromText, NumberStyles.None, CultureInfo.InvariantCulture, out var senderId))
        {
            throw Refuse(0, RaftPeerRefusalReason.MissingHeaders, StatusCode.PermissionDenied,
                $"a raft peer stream to node {SelfId} lacks the {RaftPeerHeaders.From} and {RaftPeerHeaders.ConfigurationFingerprint} headers (from '{fromText}'); only JindoMeta raft nodes may connect to this port");
        }

        if (!_configuration.Members.Any(member => member.NodeId == senderId))
        {
            throw Refuse(senderId, RaftPeerRefusalReason.NotAMember, StatusCode.PermissionDenied,
                $"peers disagree about {InitialConfiguration.ConfigurationKey}: node {senderId} (fingerprint {fingerprint}) is not a member of node {SelfId}'s list (fingerprint {Fingerprint}: {RaftConfigurationFingerprint.Normalize(_configuration)}); give every node the same list");
        }

        if (!string.Equals(fingerprint, Fingerprint, StringComparison.Ordinal))
        {
            throw Refuse(senderId, RaftPeerRefusalReason.ConfigurationMismatch, StatusCode.FailedPrecondition,
                $"peers disagree about {InitialConfiguration.ConfigurationKey}: node {senderId} has fingerprint {fingerprint}, node {SelfId} has {Fingerprint} ({RaftConfigurationFingerprint.Normalize(_configuration)}); give every node the same list");
        }

        return senderId;
    }

    /// <summary>Checks one message of an admitted stream and hands it to the sink.</summary>
    /// <exception cref="RpcException">The message claims another sender or is addressed to another node.</exception>
    public void Accept(ulong senderId, RaftMessage proto)
    {
        ArgumentNullException.ThrowIfNull(proto);
        if (proto.From != senderId)
        {
            throw Refuse(senderId, RaftPeerRefusalReason.SenderMismatch, StatusCode.PermissionDenied,
                $"raft peer stream from node {senderId} carried a {proto.Type} message claiming to come from node {proto.From}; refused");
        }

        if (proto.To != SelfId)
        {
            throw Refuse(senderId, RaftPeerRefusalReason.WrongRecipient, StatusCode.FailedPrecondition,
                $"peers disagree about {InitialConfiguration.ConfigurationKey}: node {senderId} sent a message for node {proto.To} to node {SelfId} ({RaftConfigurationFingerprint.Normalize(_configuration)}); give every node the same list");
        }

        _sink(RaftMessageMapper.FromProto(proto));
        Interlocked.Increment(ref _receivedMessages);
    }

    private RpcException Refuse(ulong peerId, RaftPeerRefusalReason reason, StatusCode code, string description)
    {
        Interlocked.Increment(ref _refusedStreams);
        RaftTransportLog.StreamRefused(_logger, description);
        Refused?.Invoke(new RaftPeerRefusal(peerId, reason, description));
        return new RpcException(new Status(code, description));
    }
}
