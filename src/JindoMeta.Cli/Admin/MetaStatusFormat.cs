using System.Globalization;
using System.Text;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Admin;

/// <summary>
/// The stable, grep-able text of `jindo jfs -metaStatus [-detail]` (documented in the CLI README):
/// <code>
/// backend=rocksdb namespaces=1
/// namespace=test backend=rocksdb
///   127.0.0.1:8101 LEADER state=RUNNING lastIndex=42
///   _synced=n/a
/// </code>
/// One header line (in recovery mode it ends with <c>recovered=DONE/TOTAL</c>, the namespaces whose recovery
/// reached FINISH out of those recovering); per namespace (name order) one line, then one indented line per node (address, role,
/// state, last committed index, and on raft with upload on `_synced=1|0` on the uploading leader's line), then one
/// indented key=value line per property in ordinal key order.
/// </summary>
public static class MetaStatusFormat
{
    public static string Format(MetaStatusResponse status)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"backend={Value(status.BackendType)} namespaces={status.Namespaces.Count}");
        var recovering = status.Namespaces.Where(n => n.Properties.ContainsKey("recovery.progress")).ToList();
        if (recovering.Count > 0)
        {
            var finished = recovering.Count(n => n.Nodes.Count > 0 && n.Nodes.All(node => node.State == "FINISH"));
            text.Append(CultureInfo.InvariantCulture, $" recovered={finished}/{recovering.Count}");
        }

        text.Append('\n');
        foreach (var ns in status.Namespaces.OrderBy(n => n.Name, StringComparer.Ordinal))
        {
            text.Append(CultureInfo.InvariantCulture, $"namespace={Value(ns.Name)} backend={Value(ns.BackendType)}\n");
            foreach (var node in ns.Nodes)
            {
                text.Append(CultureInfo.InvariantCulture,
                    $"  {Value(node.Address)} {Value(node.Role)} state={Value(node.State)} lastIndex={node.LastCommittedIndex}");
                text.Append(node.Synced.Length > 0 ? $" _synced={Value(node.Synced)}\n" : "\n");
            }

            foreach (var (key, value) in ns.Properties.OrderBy(p => p.Key, StringComparer.Ordinal))
            {
                text.Append(CultureInfo.InvariantCulture, $"  {key}={Value(value)}\n");
            }
        }

        return text.ToString();
    }

    // Empty fields and whitespace would break `awk`/`grep` on the line: print a placeholder, keep one token.
    private static string Value(string value) => value.Length == 0 ? "-" : value.Replace(' ', '_').Replace('\n', '_');
}
