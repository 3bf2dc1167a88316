using System.Globalization;

namespace JindoMeta.Raft;

/// <summary>One member of the fixed raft configuration.</summary>
/// <param name="NodeId">The raft id: the member's 1-based position in the list, identical on every node.</param>
/// <param name="Host">Host name or address peers connect to.</param>
/// <param name="Port">Raft peer port (8103 by convention).</param>
/// <param name="Priority">The third field: a leadership preference, applied by the host (the raft backend hands leadership
/// to a caught-up member with a higher priority); the core does not read it.</param>
public sealed record RaftMember(ulong NodeId, string Host, int Port, int Priority)
{
    public string Address => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>The cluster membership from <c>namespace.backend.raft.initial-conf</c>, e.g.
/// <c>emr-header-1:8103:0,emr-header-2:8103:0,emr-header-3:8103:0</c> (host:port:priority).</summary>
/// <remarks>Membership is fixed; node ids are list positions so every node derives the same ids from the same
/// string. A later single-server change would append members with new ids, never renumber existing ones.</remarks>
public sealed class InitialConfiguration
{
    public const string ConfigurationKey = "namespace.backend.raft.initial-conf";

    private InitialConfiguration(IReadOnlyList<RaftMember> members) => Members = members;

    public IReadOnlyList<RaftMember> Members { get; }

    public IReadOnlyList<ulong> VoterIds => [.. Members.Select(member => member.NodeId)];

    /// <summary>Parses the configuration string.</summary>
    /// <exception cref="FormatException">The text is malformed; the message names the offending element.</exception>
    public static InitialConfiguration Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            throw new FormatException($"{ConfigurationKey} is empty; expected host:port:priority entries separated by commas, e.g. emr-header-1:8103:0,emr-header-2:8103:0,emr-header-3:8103:0.");
        }

        var elements = text.Split(',');
        var members = new List<RaftMember>(elements.Length);
        var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < elements.Length; i++)
        {
            var element = elements[i].Trim();
            var where = $"{ConfigurationKey} element {i + 1} '{element}'";
            var parts = element.Split(':');
            if (parts.Length != 3)
            {
                throw new FormatException($"{where}: expected host:port:priority (3 fields separated by ':'), found {parts.Length} field(s).");
            }

            var host = parts[0].Trim();
            if (host.Length == 0 || host.Any(c => char.IsWhiteSpace(c) || c == '/'))
            {
                throw new FormatException($"{where}: host '{host}' is empty or contains whitespace or '/'.");
            }

            if (!int.TryParse(parts[1].Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw new FormatException($"{where}: port '{parts[1].Trim()}' is not a number between 1 and 65535.");
            }

            if (!int.TryParse(parts[2].Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority) || priority < 0)
            {
                throw new FormatException($"{where}: priority '{parts[2].Trim()}' is not a non-negative integer.");
            }

            var member = new RaftMember((ulong)(i + 1), host, port, priority);
            if (!seen.Add(member.Address))
            {
                throw new FormatException($"{where}: {member.Address} appears more than once.");
            }

            members.Add(member);
        }

        return new InitialConfiguration(members);
    }

    /// <summary>The member whose address is <paramref name="host"/>:<paramref name="port"/>.</summary>
    public RaftMember FindSelf(string host, int port)
        => Members.FirstOrDefault(member => string.Equals(member.Host, host, StringComparison.OrdinalIgnoreCase) && member.Port == port)
            ?? throw new InvalidOperationException($"This node ({host}:{port}) is not listed in {ConfigurationKey} ({string.Join(",", Members.Select(m => m.Address))}); fix the configuration or the advertised host name.");
}
