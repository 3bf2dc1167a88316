using Microsoft.Extensions.Logging;

namespace JindoMeta.Replication;

internal static partial class RecoveryLog
{
    [LoggerMessage(EventId = 10101, Level = LogLevel.Information, Message = "Namespace {Namespace}: recovering from table {Table} at feed index {Index} (written by store {Store}, about {Rows} rows); read-only until it finishes")]
    public static partial void Beginning(ILogger logger, string @namespace, string table, long index, string store, long rows);

    [LoggerMessage(EventId = 10102, Level = LogLevel.Information, Message = "Namespace {Namespace}: resuming the recovery from table {Table}: {Rows} rows loaded, {Ranges} ranges left")]
    public static partial void Resuming(ILogger logger, string @namespace, string table, long rows, int ranges);

    [LoggerMessage(EventId = 10103, Level = LogLevel.Information, Message = "Namespace {Namespace}: recovery finished: {Rows} rows at feed index {Index} ({Repaired} rows of an unfinished upload run put back); restart with recovery.mode=false to write")]
    public static partial void Finished(ILogger logger, string @namespace, long rows, long index, long repaired);

    [LoggerMessage(EventId = 10104, Level = LogLevel.Warning, Message = "Namespace {Namespace}: reading the replica failed ({Error}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, string @namespace, string error, long delayMs);

    [LoggerMessage(EventId = 10105, Level = LogLevel.Error, Message = "Namespace {Namespace}: recovery failed: {Error}")]
    public static partial void Failed(ILogger logger, string @namespace, string error);

    [LoggerMessage(EventId = 10106, Level = LogLevel.Warning, Message = "Namespace {Namespace}: table {Table} holds rows of an upload run past its checkpoint {Checkpoint} that never completed (the old cluster stopped mid-run; its checkpoint is {QuietSeconds} s old): recovering the checkpoint's images and putting those rows back to them")]
    public static partial void RepairingTornRun(ILogger logger, string @namespace, string table, long checkpoint, long quietSeconds);

    [LoggerMessage(EventId = 10107, Level = LogLevel.Information, Message = "Namespace {Namespace}: recovery stopped here ({Rows} rows loaded): this node no longer leads the namespace; the leader resumes it from the replicated progress")]
    public static partial void NotLeading(ILogger logger, string @namespace, long rows);
}
