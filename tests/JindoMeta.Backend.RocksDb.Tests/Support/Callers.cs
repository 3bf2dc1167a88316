using JindoMeta.Namespace.Security;

namespace JindoMeta.Backend.RocksDb.Tests.Support;

public static class Callers
{
    public static CallerIdentity Root { get; } = new("root", ["supergroup"]);
    public static CallerIdentity Alice { get; } = new("alice", ["staff"]);
    public static CallerIdentity Bob { get; } = new("bob", ["users"]);
}
