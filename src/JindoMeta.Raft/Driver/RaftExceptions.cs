namespace JindoMeta.Raft;

/// <summary>Base of the errors a <see cref="RaftDriver"/> reports to callers.</summary>
public class RaftException : Exception
{
    public RaftException()
    {
    }

    public RaftException(string message)
        : base(message)
    {
    }

    public RaftException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>This node is not the leader; retry on <see cref="LeaderId"/> (0 when unknown). The request had no effect.</summary>
public sealed class RaftNotLeaderException : RaftException
{
    public RaftNotLeaderException()
    {
    }

    public RaftNotLeaderException(string message)
        : base(message)
    {
    }

    public RaftNotLeaderException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public RaftNotLeaderException(ulong leaderId)
        : base(leaderId == 0 ? "Not the raft leader and no leader is known; retry later." : $"Not the raft leader; the leader is node {leaderId}.")
        => LeaderId = leaderId;

    public ulong LeaderId { get; }
}

/// <summary>Leadership was lost while the request was in flight: a proposal may or may not be committed (the outcome is
/// unknown; make the operation idempotent or check before retrying); a read was not served.</summary>
public sealed class RaftLeadershipLostException : RaftException
{
    public RaftLeadershipLostException()
        : base("Raft leadership was lost while the request was in flight; the outcome is unknown.")
    {
    }

    public RaftLeadershipLostException(string message)
        : base(message)
    {
    }

    public RaftLeadershipLostException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
