using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>What the raft namespaces' leader-only upload logs (the uploader itself logs 10001-10006).</summary>
internal static partial class UploadHostingLog
{
    [LoggerMessage(EventId = 1011, Level = LogLevel.Information, Message = "Namespace {Namespace}: this node leads in term {Term}; uploading to Tablestore as store {StoreId}")]
    public static partial void Leading(ILogger logger, string @namespace, ulong term, string storeId);

    [LoggerMessage(EventId = 1012, Level = LogLevel.Information, Message = "Namespace {Namespace}: upload stopped here ({Reason}); the leader uploads")]
    public static partial void Standing(ILogger logger, string @namespace, string reason);

    [LoggerMessage(EventId = 1013, Level = LogLevel.Information, Message = "Namespace {Namespace}: took table {Table} over from this cluster's earlier leadership (store {PreviousStoreId}, checkpoint {Index}); its late writes can no longer move the checkpoint")]
    public static partial void TookOver(ILogger logger, string @namespace, string table, string previousStoreId, long index);

    [LoggerMessage(EventId = 1014, Level = LogLevel.Warning, Message = "Namespace {Namespace}: cannot start uploading yet ({Error}); trying again in a second")]
    public static partial void NotStarted(ILogger logger, string @namespace, string error);

    [LoggerMessage(EventId = 1015, Level = LogLevel.Information, Message = "Namespace {Namespace}: the uploader was stopped by a write of this cluster's earlier leader, now fenced off; uploading again from the checkpoint")]
    public static partial void Restarting(ILogger logger, string @namespace);
}
