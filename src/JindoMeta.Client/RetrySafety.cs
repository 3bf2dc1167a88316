namespace JindoMeta.Client;

/// <summary>Whether an operation may be sent again after it may already have reached a server.</summary>
public enum RetrySafety
{
    /// <summary>Reads, and writes whose repetition has the same outcome (setPermission, setOwner, setTimes, mkdir -p).</summary>
    Idempotent,

    /// <summary>
    /// create, complete, delete, rename, mkdir without -p: a second copy after a lost reply could fail with
    /// "exists"/"not found" although the first one worked, so they are resent only when the call surely was
    /// not applied (see <see cref="RetryRule"/>).
    /// </summary>
    NotIdempotent,
}
