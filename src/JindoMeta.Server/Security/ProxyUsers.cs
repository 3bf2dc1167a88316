using System.Net;
using JindoMeta.Namespace.Security;
using JindoMeta.Server.Configuration;

namespace JindoMeta.Server.Security;

/// <summary>
/// Hadoop's impersonation rules (hadoop.proxyuser.USER.users / .groups / .hosts): a gateway authenticated as USER
/// may act for another user only if that user is listed, or in a listed group, and only from a listed address.
/// A gateway with no .hosts entry, or with neither .users nor .groups, may act for no one.
/// </summary>
public sealed class ProxyUsers
{
    private readonly Dictionary<string, Rule> _rules;

    private ProxyUsers(Dictionary<string, Rule> rules) => _rules = rules;

    public static ProxyUsers None { get; } = new([]);

    /// <summary>The rules from the hadoop.proxyuser.* keys; host names are resolved now.</summary>
    /// <exception cref="ConfigException">A .hosts entry is neither *, an address, a CIDR range nor a resolvable name.</exception>
    public static ProxyUsers From(IEnumerable<(string Key, string Value)> keys)
    {
        var parts = new Dictionary<string, (string? Users, string? Groups, string? Hosts)>(StringComparer.Ordinal);
        foreach (var (key, value) in keys)
        {
            var rest = key[ConfigKeys.ProxyUserPrefix.Length..];
            var dot = rest.LastIndexOf('.');
            var (user, field) = (rest[..dot], rest[(dot + 1)..]);
            var entry = parts.GetValueOrDefault(user);
            parts[user] = field switch
            {
                "users" => entry with { Users = value },
                "groups" => entry with { Groups = value },
                _ => entry with { Hosts = value },
            };
        }

        var rules = new Dictionary<string, Rule>(StringComparer.Ordinal);
        foreach (var (user, (users, groups, hosts)) in parts)
        {
            rules[user] = new Rule(NameSet(users), NameSet(groups), HostSet.Parse($"{ConfigKeys.ProxyUserPrefix}{user}.hosts", hosts));
        }

        return new ProxyUsers(rules);
    }

    /// <summary>Null when <paramref name="realUser"/> may act as <paramref name="effective"/> from <paramref name="remote"/>; else Hadoop's refusal.</summary>
    public string? Refusal(string realUser, CallerIdentity effective, IPAddress? remote)
    {
        if (!_rules.TryGetValue(realUser, out var rule)
            || !(Matches(rule.Users, effective.User) || (rule.Groups is { } groups && (groups.Contains("*") || effective.Groups.Any(groups.Contains)))))
        {
            return $"User: {realUser} is not allowed to impersonate {effective.User} (hadoop.proxyuser.{realUser}.users / .groups)";
        }

        if (remote is null || !rule.Hosts.Contains(remote))
        {
            return $"Unauthorized connection for super-user: {realUser} from IP {remote?.ToString() ?? "unknown"} (hadoop.proxyuser.{realUser}.hosts)";
        }

        return null;
    }

    private static bool Matches(HashSet<string>? names, string name) => names is not null && (names.Contains("*") || names.Contains(name));

    private static HashSet<string>? NameSet(string? list) =>
        list is null ? null : new HashSet<string>(list.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries), StringComparer.Ordinal);

    private sealed record Rule(HashSet<string>? Users, HashSet<string>? Groups, HostSet Hosts);

    /// <summary>Addresses a gateway may connect from: *, single addresses (from names too) and CIDR ranges.</summary>
    private sealed class HostSet
    {
        private readonly bool _any;
        private readonly List<IPNetwork> _networks = [];

        private HostSet(bool any) => _any = any;

        public static HostSet Parse(string key, string? list)
        {
            var entries = (list ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
            var set = new HostSet(entries.Contains("*"));
            foreach (var entry in entries.Where(e => e != "*"))
            {
                if (IPNetwork.TryParse(entry, out var network))
                {
                    set._networks.Add(network);
                }
                else if (IPAddress.TryParse(entry, out var address))
                {
                    set._networks.Add(new IPNetwork(address, address.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
                }
                else
                {
                    set.AddName(key, entry);
                }
            }

            return set;
        }

        public bool Contains(IPAddress address)
        {
            var normal = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            return _any || _networks.Exists(n => n.Contains(normal));
        }

        private void AddName(string key, string name)
        {
            IPAddress[] addresses;
            try
            {
                addresses = Dns.GetHostAddresses(name);
            }
            catch (System.Net.Sockets.SocketException e)
            {
                throw new ConfigException($"{key}: '{name}' is neither *, an IP address, a CIDR range nor a host name that resolves ({e.Message})");
            }

            foreach (var address in addresses)
            {
                var normal = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
                _networks.Add(new IPNetwork(normal, normal.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128));
            }
        }
    }
}
