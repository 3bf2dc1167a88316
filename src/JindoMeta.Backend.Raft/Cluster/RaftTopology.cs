using System.Globalization;
using System.Net;
using JindoMeta.Backend.Raft.Transport;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Cluster;

/// <summary>One header node as the others see it: its raft id, its peer address (8103) and its client address (8101).</summary>
public sealed record RaftPeer(ulong NodeId, string PeerAddress, string ClientAddress, int Priority);

/// <summary>
/// The fixed three-node cluster from <c>namespace.backend.raft.initial-conf</c> (host:port:priority per member; the
/// third field is accepted for the seed's syntax and carried, but this implementation does not act on it yet: it is
/// reserved for a leadership preference; node ids are list positions) and
/// <c>jfs.namespace.server.rpc-address</c> (the client addresses), and which member this process is.
/// </summary>
/// <remarks>
/// A node finds itself by the address it binds (<c>namespace.rpc.bind-host</c>): a specific address must be the host of
/// exactly one member; with 0.0.0.0 the members whose host is one of this machine's addresses or its name qualify, and
/// more than one (three nodes on one machine) needs <c>namespace.backend.raft.self</c>. Every problem is one line
/// naming the key to fix.
/// </remarks>
public sealed class RaftTopology
{
    public const string InitialConfKey = InitialConfiguration.ConfigurationKey;
    public const string SelfKey = "namespace.backend.raft.self";
    public const string RpcAddressKey = "jfs.namespace.server.rpc-address";
    public const int RequiredMembers = 3;

    private RaftTopology(InitialConfiguration configuration, IReadOnlyList<RaftPeer> peers, RaftPeer self, int selfPeerPort, string fingerprint)
    {
        Configuration = configuration;
        Peers = peers;
        Self = self;
        SelfPeerPort = selfPeerPort;
        Fingerprint = fingerprint;
    }

    public InitialConfiguration Configuration { get; }

    /// <summary>The raft port this node listens on (its member's port in initial-conf).</summary>
    public int SelfPeerPort { get; }

    public IReadOnlyList<RaftPeer> Peers { get; }

    public RaftPeer Self { get; }

    public IEnumerable<RaftPeer> Others => Peers.Where(p => p.NodeId != Self.NodeId);

    /// <summary>SHA-256 (hex) of the member list in order: peers that disagree about the list refuse each other.</summary>
    public string Fingerprint { get; }

    public RaftPeer Find(ulong nodeId) => Peers.First(p => p.NodeId == nodeId);

    /// <param name="initialConf">The initial-conf value.</param>
    /// <param name="rpcAddresses">The rpc-address value (client addresses, host:port, comma-separated; may be empty).</param>
    /// <param name="clientPort">This cluster's client port, for members the rpc-address list does not name.</param>
    /// <param name="bindHost">The address the daemon binds.</param>
    /// <param name="explicitSelf">The self key's value (host:port of this node's member), or null.</param>
    /// <param name="localAddresses">This machine's addresses (loopback included).</param>
    /// <param name="machineName">This machine's host name.</param>
    /// <exception cref="FormatException">A one-line description of what is wrong and which key fixes it.</exception>
    public static RaftTopology Resolve(
        string initialConf, string rpcAddresses, int clientPort, string bindHost, string? explicitSelf,
        IReadOnlyCollection<IPAddress> localAddresses, string machineName)
    {
        var configuration = InitialConfiguration.Parse(initialConf);
        if (configuration.Members.Count != RequiredMembers)
        {
            throw new FormatException($"{InitialConfKey} lists {configuration.Members.Count} member(s); the raft backend runs exactly {RequiredMembers} header nodes (host:port:priority, comma-separated).");
        }

        var clientAddresses = rpcAddresses.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var peers = configuration.Members
            .Select(m => new RaftPeer(m.NodeId, m.Address, ClientAddressOf(m.Host, clientAddresses, clientPort), m.Priority))
            .ToList();
        var self = FindSelf(configuration, bindHost, explicitSelf, localAddresses, machineName);
        return new RaftTopology(configuration, peers, peers.Single(p => p.NodeId == self.NodeId), self.Port, RaftConfigurationFingerprint.Compute(configuration));
    }

    private static RaftMember FindSelf(
        InitialConfiguration configuration, string bindHost, string? explicitSelf, IReadOnlyCollection<IPAddress> localAddresses, string machineName)
    {
        var listed = string.Join(",", configuration.Members.Select(m => m.Address));
        if (!string.IsNullOrWhiteSpace(explicitSelf))
        {
            return configuration.Members.FirstOrDefault(m => string.Equals(m.Address, explicitSelf.Trim(), StringComparison.OrdinalIgnoreCase))
                ?? throw new FormatException($"{SelfKey} = {explicitSelf} is not a member of {InitialConfKey} ({listed}).");
        }

        var bind = IPAddress.Parse(bindHost);
        var anyAddress = bind.Equals(IPAddress.Any) || bind.Equals(IPAddress.IPv6Any);
        var candidates = configuration.Members.Where(m => anyAddress
            ? string.Equals(m.Host, machineName, StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(m.Host, out var ip) && localAddresses.Contains(ip))
            : string.Equals(m.Host, bindHost, StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(m.Host, out var host) && host.Equals(bind))).ToList();
        return candidates.Count switch
        {
            1 => candidates[0],
            0 => throw new FormatException(anyAddress
                ? $"This node ({machineName}, binding 0.0.0.0) is none of the members of {InitialConfKey} ({listed}): set {SelfKey} to its host:port, or bind its address with namespace.rpc.bind-host."
                : $"This node (namespace.rpc.bind-host = {bindHost}) is none of the members of {InitialConfKey} ({listed}): set {SelfKey} to its host:port or fix the bind address."),
            _ => throw new FormatException(
                $"Several members of {InitialConfKey} are this machine ({string.Join(",", candidates.Select(c => c.Address))}): set {SelfKey} to this node's host:port, or bind its own address with namespace.rpc.bind-host."),
        };
    }

    /// <summary>The rpc-address entry on the member's host, else the member's host with this cluster's client port.</summary>
    private static string ClientAddressOf(string host, string[] clientAddresses, int clientPort) =>
        clientAddresses.FirstOrDefault(a => string.Equals(HostOf(a), host, StringComparison.OrdinalIgnoreCase))
        ?? $"{host}:{clientPort.ToString(CultureInfo.InvariantCulture)}";

    private static string HostOf(string address)
    {
        var colon = address.LastIndexOf(':');
        return colon < 0 ? address : address[..colon];
    }
}
