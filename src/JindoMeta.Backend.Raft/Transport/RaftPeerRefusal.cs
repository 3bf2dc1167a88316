namespace JindoMeta.Backend.Raft.Transport;

/// <summary>Why a raft peer stream was refused.</summary>
public enum RaftPeerRefusalReason : byte
{
    /// <summary>The stream did not carry the sender id and fingerprint headers (not a JindoMeta raft node).</summary>
    MissingHeaders,

    /// <summary>The sender's id is not in this node's member list.</summary>
    NotAMember,

    /// <summary>The sender's member list differs from this node's (fingerprints differ).</summary>
    ConfigurationMismatch,

    /// <summary>A message claimed a sender other than the stream's.</summary>
    SenderMismatch,

    /// <summary>A message was addressed to another node: the sender maps this address to a different id.</summary>
    WrongRecipient,

    /// <summary>Seen by a sender: the peer refused our stream for one of the reasons above (in the description).</summary>
    RefusedByPeer,
}

/// <summary>One refused stream. <see cref="Description"/> is a complete line an operator can act on; for
/// configuration problems the host stops with it.</summary>
/// <param name="PeerId">The other side: the claimed sender on the receiving node, the receiving peer on the sender.</param>
public sealed record RaftPeerRefusal(ulong PeerId, RaftPeerRefusalReason Reason, string Description);
