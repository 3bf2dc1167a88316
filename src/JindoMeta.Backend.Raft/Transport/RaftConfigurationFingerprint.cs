using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>A short digest of <c>namespace.backend.raft.initial-conf</c> that every stream presents, so that two nodes
/// started with different member lists find out at their first contact instead of electing with different voter
/// sets (node ids are list positions: the same id would name different hosts).</summary>
public static class RaftConfigurationFingerprint
{
    /// <summary>SHA-256 hex (lower case) of the normalized list: <c>host:port:priority</c> per member in list order,
    /// host names lower-cased, joined by commas; whitespace and letter case in the configured text do not matter,
    /// order does (it assigns the ids). The same text as <c>RaftTopology.Fingerprint</c> on main hashes, so the two
    /// agree.</summary>
    public static string Compute(InitialConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var normalized = Normalize(configuration);
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(normalized)));
    }

    /// <summary>The text that <see cref="Compute"/> hashes; also what a refusal prints so an operator can compare.</summary>
    public static string Normalize(InitialConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return string.Join(',', configuration.Members.Select(member => string.Create(CultureInfo.InvariantCulture,
            $"{member.Host.ToLowerInvariant()}:{member.Port}:{member.Priority}")));
    }
}
