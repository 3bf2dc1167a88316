using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>What the raft namespaces' leader-only recovery logs (the recovery itself logs 10101-10107).</summary>
internal static partial class RecoveryHostingLog
{
    [LoggerMessage(EventId = 1021, Level = LogLevel.Information, Message = "Namespace {Namespace}: this node leads in term {Term}; recovering from Tablestore table {Table} through the raft log")]
    public static partial void Leading(ILogger logger, string @namespace, ulong term, string table);

    [LoggerMessage(EventId = 1022, Level = LogLevel.Information, Message = "Namespace {Namespace}: recovery stopped here ({Reason}); the leader recovers")]
    public static partial void Standing(ILogger logger, string @namespace, string reason);

    [LoggerMessage(EventId = 1023, Level = LogLevel.Information, Message = "Namespace {Namespace}: the recovery was refused a write while this node still leads in term {Term} (a leadership transfer in progress); starting it again from the replicated progress")]
    public static partial void Restarting(ILogger logger, string @namespace, ulong term);

    [LoggerMessage(EventId = 1024, Level = LogLevel.Warning, Message = "Namespace {Namespace}: cannot start the recovery yet ({Error}); trying again in a second")]
    public static partial void NotStarted(ILogger logger, string @namespace, string error);
}
