using System.Globalization;
using System.Text;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Admin;

/// <summary>
/// The text of `jindo jfs -verifyReplica` (CLI README): per namespace one line,
/// <code>
/// namespace=test table=jindometa_test index=42 rows=57 replicaRows=57 checksum=9f.. replicaChecksum=9f.. result=SAME
/// </code>
/// and, when they differ (result=DIFFERENT differences=N), up to 20 indented lines "missing|extra|different PATH".
/// </summary>
public static class ReplicaComparisonFormat
{
    public static string Format(VerifyReplicaResponse result)
    {
        var text = new StringBuilder();
        foreach (var ns in result.Namespaces)
        {
            text.Append(CultureInfo.InvariantCulture,
                $"namespace={ns.Namespace} table={ns.Table} index={ns.Index} rows={ns.LocalRows} replicaRows={ns.ReplicaRows} " +
                $"checksum={ns.LocalChecksum} replicaChecksum={ns.ReplicaChecksum} ");
            text.Append(ns.DifferenceCount == 0 ? "result=SAME\n" : string.Create(CultureInfo.InvariantCulture, $"result=DIFFERENT differences={ns.DifferenceCount}\n"));
            foreach (var difference in ns.Differences)
            {
                text.Append("  ").Append(difference).Append('\n');
            }
        }

        return text.ToString();
    }
}
