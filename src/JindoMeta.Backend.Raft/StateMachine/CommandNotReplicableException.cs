namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>A command the codec cannot encode exactly (a string with no UTF-8 form, or over the size limit): the
/// leader refuses it before proposing, since an approximate entry would run another command on the followers.</summary>
/// <param name="field">The command field at fault: path, source, destination, owner, group or user.</param>
public sealed class CommandNotReplicableException(string field, string message) : ArgumentException(message, field)
{
    public bool IsPath => ParamName is "path" or "source" or "destination";
}
