using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.StateMachine;

/// <summary>
/// The state machine met something it must not get past (an entry it cannot decode or execute, a failed write, an
/// out-of-order index) and stopped: it applies nothing more until the process restarts. A raft node that skipped
/// or half-applied an entry would silently diverge from its peers; stopping is the safe, loud alternative. The
/// message names the entry and what to do.
/// </summary>
/// <remarks>A <see cref="RaftException"/>, so the driver reports it through its completion and goes silent.</remarks>
public sealed class StateMachineStoppedException : RaftException
{
    public StateMachineStoppedException()
    {
    }

    public StateMachineStoppedException(string message)
        : base(message)
    {
    }

    public StateMachineStoppedException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
