using System.Globalization;

namespace JindoMeta.Client;

/// <summary>
/// The servers named by <c>jfs.namespace.server.rpc-address</c>: a comma-separated list of host:port, tried in
/// order for failover.
/// </summary>
public static class RpcAddressList
{
    public const string ConfigKey = "jfs.namespace.server.rpc-address";

    public const string DefaultValue = "127.0.0.1:8101";

    /// <summary>Parses the list; throws <see cref="FormatException"/> naming the key and the bad entry.</summary>
    public static IReadOnlyList<string> Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var addresses = new List<string>();
        foreach (var raw in value.Split(','))
        {
            var entry = raw.Trim();
            if (entry.Length == 0)
            {
                throw new FormatException($"{ConfigKey} = '{value}' has an empty entry; expected host:port[,host:port...]");
            }

            var colon = entry.LastIndexOf(':');
            var host = colon > 0 ? entry[..colon] : string.Empty;
            if (host.StartsWith('[') && host.EndsWith(']'))
            {
                host = host[1..^1]; // [::1]:8101
            }

            if (colon <= 0 || host.Length == 0 || host.Contains(':', StringComparison.Ordinal) && !entry.StartsWith('[')
                || !int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535
                || host.Any(c => char.IsWhiteSpace(c) || c == '/'))
            {
                throw new FormatException($"{ConfigKey} entry '{entry}' is not host:port with a port in 1..65535 (value '{value}')");
            }

            if (!addresses.Contains(entry, StringComparer.OrdinalIgnoreCase))
            {
                addresses.Add(entry);
            }
        }

        return addresses;
    }
}
