using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft.Snapshots;

/// <summary>The snapshot store's log messages; event ids 8200-8299 are stable.</summary>
internal static partial class SnapshotLog
{
    [LoggerMessage(EventId = 8201, Level = LogLevel.Warning, Message = "Refused the raft snapshot at index {Index} (term {Term}) received from the leader: {Reason}; the old state stays and the leader sends it again")]
    public static partial void Refused(ILogger logger, ulong index, ulong term, string reason);
}
