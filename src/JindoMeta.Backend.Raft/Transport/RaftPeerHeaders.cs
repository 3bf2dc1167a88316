namespace JindoMeta.Backend.Raft.Transport;

/// <summary>Request headers of every raft peer stream (see protos/jindometa/raft/v1/raft.proto).</summary>
public static class RaftPeerHeaders
{
    /// <summary>The sender's raft node id, decimal.</summary>
    public const string From = "x-jindo-raft-from";

    /// <summary>The sender's <see cref="RaftConfigurationFingerprint"/>.</summary>
    public const string ConfigurationFingerprint = "x-jindo-raft-conf-sha256";

    /// <summary>The raft group (namespace) the stream belongs to; one listener serves every namespace of a node.</summary>
    public const string Group = "x-jindo-raft-group";
}
