using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>The transport's log messages; event ids 8100-8199 are stable.</summary>
internal static partial class RaftTransportLog
{
    [LoggerMessage(EventId = 8101, Level = LogLevel.Information, Message = "Raft peer {PeerId} at {Address}: stream open")]
    public static partial void PeerConnected(ILogger logger, ulong peerId, string address);

    [LoggerMessage(EventId = 8102, Level = LogLevel.Warning, Message = "Raft peer {PeerId} at {Address} unreachable ({Reason}); retrying with backoff, next in {RetryInMilliseconds} ms")]
    public static partial void PeerUnreachable(ILogger logger, ulong peerId, string address, string reason, long retryInMilliseconds);

    [LoggerMessage(EventId = 8103, Level = LogLevel.Debug, Message = "Raft peer {PeerId} at {Address} still unreachable ({Reason}); next attempt in {RetryInMilliseconds} ms")]
    public static partial void PeerStillUnreachable(ILogger logger, ulong peerId, string address, string reason, long retryInMilliseconds);

    [LoggerMessage(EventId = 8104, Level = LogLevel.Error, Message = "Raft peer {PeerId} at {Address} refused our stream: {Detail}")]
    public static partial void PeerRefusedUs(ILogger logger, ulong peerId, string address, string detail);

    [LoggerMessage(EventId = 8105, Level = LogLevel.Warning, Message = "Dropped a {Type} message of {SizeBytes} bytes to raft peer {PeerId}: larger than the {LimitBytes}-byte gRPC message limit")]
    public static partial void OversizeMessageDropped(ILogger logger, string type, long sizeBytes, ulong peerId, int limitBytes);

    [LoggerMessage(EventId = 8110, Level = LogLevel.Error, Message = "Refused a raft peer stream: {Description}")]
    public static partial void StreamRefused(ILogger logger, string description);

    [LoggerMessage(EventId = 8111, Level = LogLevel.Error, Message = "Refused an {Direction} raft peer connection: {Problem} (namespace.security.tls.ca-file)")]
    public static partial void PeerCertificateRefused(ILogger logger, string direction, string problem);
}
