namespace JindoMeta.Namespace.Security;

/// <summary>Who issues an operation: Hadoop simple auth (a user name) plus the groups the server resolved.</summary>
public sealed record CallerIdentity(string User, IReadOnlyList<string> Groups)
{
    public bool IsMemberOf(string group)
    {
        foreach (var g in Groups)
        {
            if (g == group)
            {
                return true;
            }
        }

        return false;
    }

    public override string ToString() => $"{User}({string.Join(',', Groups)})";
}
