using JindoMeta.Namespace.Model;
using JindoMeta.Server.Security;
using Serilog;
using Serilog.Events;

namespace JindoMeta.Server.Audit;

/// <summary>
/// One line per namespace operation in HDFS's audit format (FSNamesystem.audit), to a rolling file of its own:
/// <c>allowed=true	ugi=alice (auth:SIMPLE)	ip=/127.0.0.1	cmd=mkdirs	src=/a	dst=null	perm=alice:supergroup:rwxr-xr-x	proto=rpc	ns=test</c>
/// (tab-separated; the trailing ns= field names the namespace, since one daemon serves several, as JindoFS's own
/// audit line does). As in HDFS, successes are logged allowed=true, permission denials allowed=false, and other
/// failures not at all, except that a getfileinfo of a missing path is a success there too.
/// </summary>
/// <remarks>
/// The call's thread only formats the line (one string); writing goes through an asynchronous sink whose queue blocks
/// the caller when full rather than drop lines: an audit log that loses entries under load is no audit log. The file
/// is written in blocks and flushed every second and at a clean stop, so a SIGKILL may lose the last second of lines
/// (the metadata itself is durable regardless; HDFS's asynchronous audit appender makes the same trade).
/// </remarks>
public sealed class AuditLog : IDisposable
{
    private const int QueueLines = 100_000;

    /// <summary>Lines reach the file (the OS, not the disk) within this; a write per line cost a syscall per call.</summary>
    private static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);
    private readonly Serilog.Core.Logger _logger;

    /// <param name="file">The configured file (…/hdfs-audit.log); the files written carry the day, see <see cref="RolledPattern"/>.</param>
    public AuditLog(string file, long maxFileBytes, int retainedFiles)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file) ?? ".");
        _logger = new LoggerConfiguration()
            .MinimumLevel.Information()
            .WriteTo.Async(sink => sink.File(
                RolledPattern(file),
                rollingInterval: RollingInterval.Day,
                fileSizeLimitBytes: maxFileBytes,
                rollOnFileSizeLimit: true,
                retainedFileCountLimit: retainedFiles,
                buffered: true,
                flushToDiskInterval: FlushInterval,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss,fff} INFO FSNamesystem.audit: {Line:l}{NewLine}"), // log4j's %d{ISO8601} %p %c{2}: %m%n
                bufferSize: QueueLines, blockWhenFull: true)
            .CreateLogger();
    }

    /// <summary>
    /// The path Serilog is given: it inserts the day before the extension and, past the size limit, a roll number, so
    /// hdfs-audit.log is written as hdfs-audit-20261202.log, then hdfs-audit-20261202_001.log, _002, ... The dash keeps the
    /// day apart from the name (Serilog would write hdfs-audit20261202.log).
    /// </summary>
    public static string RolledPattern(string file) =>
        Path.Combine(Path.GetDirectoryName(file) ?? "", $"{Path.GetFileNameWithoutExtension(file)}-{Path.GetExtension(file)}");

    /// <summary>Writes the line of one operation (see <see cref="AuditLine"/>). <paramref name="status"/>: the resulting entry, for perm.</summary>
    public void Record(bool allowed, AuthenticatedCaller caller, string command, string namespaceName, string source, string? destination, FileStatus? status) =>
        _logger.Write(LogEventLevel.Information, "{Line}",
            AuditLine.Format(allowed, caller.Ugi, caller.RemoteAddress, command, source, destination, status, namespaceName));

    /// <summary>Flushes every queued line and closes the file (on the daemon's stop).</summary>
    public void Dispose() => _logger.Dispose();
}
