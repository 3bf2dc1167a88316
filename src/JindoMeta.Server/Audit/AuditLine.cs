using System.Globalization;
using System.Text;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Server.Audit;

/// <summary>
/// The text of one audit line, as HDFS's default audit logger (FSNamesystem.audit) writes it, plus the namespace:
/// <c>allowed=true	ugi=alice (auth:SIMPLE)	ip=/127.0.0.1	cmd=mkdirs	src=/a	dst=null	perm=alice:supergroup:rwxr-xr-x	proto=rpc	ns=test</c>.
/// </summary>
/// <remarks>
/// src and dst are escaped as HDFS does (Java string escaping: \t \n \r \b \f, backslash, quote, and every other control or
/// non-ASCII character as \uXXXX): a path may hold a tab or a newline, and unescaped it could forge a field or a
/// whole line. One builder per thread, as HDFS's, so a call allocates only the finished string.
/// </remarks>
public static class AuditLine
{
    [ThreadStatic]
    private static StringBuilder? t_builder;

    /// <param name="status">The resulting entry, written as perm=owner:group:rwxr-xr-x; null writes perm=null.</param>
    public static string Format(
        bool allowed, string ugi, string remoteAddress, string command, string source, string? destination, FileStatus? status, string namespaceName)
    {
        var line = t_builder ??= new StringBuilder(256);
        line.Clear();
        line.Append(allowed ? "allowed=true" : "allowed=false")
            .Append("\tugi=").Append(ugi)
            .Append("\tip=/").Append(remoteAddress) // java.net.InetAddress.toString() of an address without a host name
            .Append("\tcmd=").Append(command)
            .Append("\tsrc=");
        AppendEscaped(line, source);
        line.Append("\tdst=");
        AppendEscaped(line, destination);
        line.Append("\tperm=");
        if (status is null)
        {
            line.Append("null");
        }
        else
        {
            line.Append(status.Record.Owner).Append(':').Append(status.Record.Group).Append(':');
            AppendPermission(line, status.Record.Permission);
        }

        line.Append("\tproto=rpc\tns=").Append(namespaceName);
        var text = line.ToString();
        if (line.Capacity > 4096)
        {
            t_builder = null; // one very long path does not pin a large buffer to the thread
        }

        return text;
    }

    /// <summary>Hadoop's FsPermission.toString(): rwxr-xr-x, the last x as t (T without x) when the sticky bit is set.</summary>
    private static void AppendPermission(StringBuilder line, ushort permission)
    {
        for (var shift = 6; shift >= 0; shift -= 3)
        {
            var bits = (permission >> shift) & 7;
            line.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-');
            var execute = (bits & 1) != 0;
            line.Append(shift == 0 && (permission & FsPermission.StickyBit) != 0 ? (execute ? 't' : 'T') : execute ? 'x' : '-');
        }
    }

    /// <summary>Apache Commons' StringEscapeUtils.escapeJava, which HDFS applies to src and dst; null stays "null".</summary>
    private static void AppendEscaped(StringBuilder line, string? text)
    {
        if (text is null)
        {
            line.Append("null");
            return;
        }

        foreach (var c in text)
        {
            switch (c)
            {
                case '"': line.Append("\\\""); break;
                case '\\': line.Append("\\\\"); break;
                case '\t': line.Append("\\t"); break;
                case '\n': line.Append("\\n"); break;
                case '\r': line.Append("\\r"); break;
                case '\b': line.Append("\\b"); break;
                case '\f': line.Append("\\f"); break;
                case < ' ' or > '\x7f':
                    line.Append(CultureInfo.InvariantCulture, $"\\u{(int)c:X4}");
                    break;
                default: line.Append(c); break;
            }
        }
    }
}
