using System.Collections.Concurrent;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Server.Security;

/// <summary>
/// Turns a caller's user name into a <see cref="CallerIdentity"/>, as Hadoop's group mapping does: the static
/// overrides from config first, else the OS groups of that user (/etc/passwd primary group and /etc/group
/// memberships; an unknown user has no groups). OS lookups are cached for a minute.
/// </summary>
public sealed class GroupResolver(IReadOnlyDictionary<string, IReadOnlyList<string>> overrides, TimeProvider clock)
{
    private static readonly TimeSpan CacheTime = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<string, (CallerIdentity Identity, DateTimeOffset Expires)> _cache = new(StringComparer.Ordinal);

    public CallerIdentity Resolve(string user)
    {
        if (overrides.TryGetValue(user, out var groups))
        {
            return new CallerIdentity(user, groups);
        }

        var now = clock.GetUtcNow();
        if (_cache.TryGetValue(user, out var cached) && cached.Expires > now)
        {
            return cached.Identity;
        }

        var identity = new CallerIdentity(user, OsGroups(user));
        _cache[user] = (identity, now + CacheTime);
        return identity;
    }

    private static string[] OsGroups(string user)
    {
        try
        {
            var groups = new List<string>();
            string? primaryGid = null;
            foreach (var line in File.ReadLines("/etc/passwd"))
            {
                var fields = line.Split(':');
                if (fields.Length > 3 && fields[0] == user)
                {
                    primaryGid = fields[3];
                    break;
                }
            }

            foreach (var line in File.ReadLines("/etc/group"))
            {
                var fields = line.Split(':');
                if (fields.Length < 4)
                {
                    continue;
                }

                if (fields[2] == primaryGid)
                {
                    groups.Insert(0, fields[0]); // the primary group first, as `id -Gn` prints it
                }
                else if (fields[3].Split(',').Contains(user, StringComparer.Ordinal))
                {
                    groups.Add(fields[0]);
                }
            }

            return [.. groups.Distinct(StringComparer.Ordinal)];
        }
        catch (IOException)
        {
            return [];
        }
    }
}
