namespace JindoMeta.Namespace.Security;

/// <summary>
/// How permissions are enforced. Part of the replicated semantics: every node of a cluster must use the same
/// settings, because they decide command outcomes.
/// </summary>
/// <param name="Enabled">When false every check passes (HDFS dfs.permissions.enabled=false).</param>
/// <param name="SuperUser">The user that bypasses every check (HDFS: the NameNode's user).</param>
/// <param name="SuperGroup">Members of this group bypass every check (HDFS dfs.permissions.superusergroup).</param>
public sealed record PermissionSettings(bool Enabled = true, string SuperUser = "root", string SuperGroup = "supergroup")
{
    public static PermissionSettings Default { get; } = new();

    public bool IsSuperUser(CallerIdentity caller) =>
        !Enabled || caller.User == SuperUser || caller.IsMemberOf(SuperGroup);
}
