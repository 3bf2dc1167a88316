using JindoMeta.Namespace.Commands;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// One raft entry's payload: a namespace command plus everything the leader fixed before proposing it, so that
/// every node applying it computes the same outcome.
/// </summary>
/// <param name="Command">The command, with the caller identity (user and the groups the leader resolved).</param>
/// <param name="TimestampMs">The leader's clock when it proposed the command (ms since the epoch): the command's time on every node.</param>
/// <param name="ClientId">The calling client's 16-byte id (HDFS RPC clientId); for the retry cache. <see cref="Guid.Empty"/> when the call has none.</param>
/// <param name="CallId">The client's call id (HDFS RPC callId); for the retry cache.</param>
public sealed record ReplicatedCommand(NamespaceCommand Command, long TimestampMs, Guid ClientId, long CallId);
