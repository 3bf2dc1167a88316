using Microsoft.Extensions.Logging;

namespace JindoMeta.Replication;

internal static partial class UploaderLog
{
    [LoggerMessage(EventId = 10001, Level = LogLevel.Information, Message = "Namespace {Namespace}: uploading to Tablestore table {Table} from feed index {Index}")]
    public static partial void Resuming(ILogger logger, string @namespace, string table, long index);

    [LoggerMessage(EventId = 10002, Level = LogLevel.Information, Message = "Namespace {Namespace}: writing the initial snapshot at feed index {Index} to table {Table}")]
    public static partial void WritingSnapshot(ILogger logger, string @namespace, long index, string table);

    [LoggerMessage(EventId = 10003, Level = LogLevel.Information, Message = "Namespace {Namespace}: snapshot of {Rows} rows at feed index {Index} written")]
    public static partial void SnapshotWritten(ILogger logger, string @namespace, long rows, long index);

    [LoggerMessage(EventId = 10004, Level = LogLevel.Warning, Message = "Namespace {Namespace}: upload to Tablestore failed ({Error}); retrying in {DelayMs} ms, nothing is skipped")]
    public static partial void Retrying(ILogger logger, string @namespace, string error, long delayMs);

    [LoggerMessage(EventId = 10005, Level = LogLevel.Error, Message = "Namespace {Namespace}: {Error}")]
    public static partial void Stopped(ILogger logger, string @namespace, string error);

    [LoggerMessage(EventId = 10006, Level = LogLevel.Information, Message = "Namespace {Namespace}: upload recovered after {Failures} failed attempts")]
    public static partial void Recovered(ILogger logger, string @namespace, int failures);

    [LoggerMessage(EventId = 10007, Level = LogLevel.Information, Message = "Namespace {Namespace}: took table {Table} over from store {OldStore} at feed index {Index}, which this store was recovered from")]
    public static partial void TookOver(ILogger logger, string @namespace, string table, string oldStore, long index);
}
