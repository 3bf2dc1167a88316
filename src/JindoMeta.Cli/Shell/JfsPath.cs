namespace JindoMeta.Cli.Shell;

/// <summary>
/// A path argument: jfs://NAMESPACE/path, or /path (the server's only namespace). <see cref="Display"/> is what
/// Hadoop would print: the argument normalized (no duplicate or trailing slashes), children appended to it.
/// </summary>
public sealed record JfsPath(string Namespace, string Path, string Display)
{
    public const string Scheme = "jfs";

    public bool IsRoot => Path == "/";

    /// <summary>The last path component ("" for the root), as Hadoop's Path.getName().</summary>
    public string Name => IsRoot ? string.Empty : Path[(Path.LastIndexOf('/') + 1)..];

    public static JfsPath Parse(string argument)
    {
        var schemeEnd = argument.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            if (!argument.StartsWith('/'))
            {
                throw new ShellException($"`{argument}': Relative paths are not supported; use jfs://NAMESPACE/path or /path");
            }

            var plain = Normalize(argument);
            return new JfsPath(string.Empty, plain, plain);
        }

        var scheme = argument[..schemeEnd];
        if (!string.Equals(scheme, Scheme, StringComparison.OrdinalIgnoreCase))
        {
            throw new ShellException($"No FileSystem for scheme \"{scheme}\"");
        }

        var rest = argument[(schemeEnd + 3)..];
        var slash = rest.IndexOf('/');
        var namespaceName = slash < 0 ? rest : rest[..slash];
        if (namespaceName.Length == 0)
        {
            throw new ShellException($"`{argument}': The URI names no namespace; use jfs://NAMESPACE/path");
        }

        var path = slash < 0 ? "/" : Normalize(rest[slash..]);
        var prefix = $"{Scheme}://{namespaceName}";
        var display = slash < 0 ? prefix : prefix + path;
        return new JfsPath(namespaceName, path, display);
    }

    public JfsPath Child(string name) =>
        new(Namespace, IsRoot ? "/" + name : Path + "/" + name, (Display.EndsWith('/') ? Display : Display + "/") + name);

    /// <summary>The parent directory, or null for the root.</summary>
    public JfsPath? Parent()
    {
        if (IsRoot)
        {
            return null;
        }

        var cut = Path.LastIndexOf('/');
        var parentPath = cut == 0 ? "/" : Path[..cut];
        var displayCut = Display.LastIndexOf('/');
        var parentDisplay = Display[..(displayCut + (parentPath == "/" ? 1 : 0))];
        return new JfsPath(Namespace, parentPath, parentDisplay);
    }

    public override string ToString() => Display;

    private static string Normalize(string path)
    {
        var parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        return "/" + string.Join('/', parts);
    }
}
