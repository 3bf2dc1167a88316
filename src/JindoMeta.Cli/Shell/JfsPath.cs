namespace JindoMeta.Cli.Shell;

/// <summary>How an argument named its path; Hadoop's PathData prints a path in the form it was given.</summary>
public enum PathForm
{
    /// <summary>jfs://NAMESPACE/path</summary>
    Qualified,

    /// <summary>/path, in the server's only namespace.</summary>
    Absolute,

    /// <summary>path, under the working directory (the home directory /user/NAME).</summary>
    Relative,
}

/// <summary>
/// A path argument: jfs://NAMESPACE/path, /path (the server's only namespace) or a relative path (under the home
/// directory, see <see cref="ShellContext.WorkingDirectory"/>). <see cref="Path"/> is absolute and normalized as
/// Hadoop's Path does ("." and "x/.." removed, no duplicate or trailing slash). <see cref="Display"/> is what Hadoop
/// prints: for a path that does not exist the argument as given, normalized the same way but keeping a trailing
/// slash; once found (<see cref="Found"/>) the normalized path in the argument's form, relative to the working
/// directory for a relative argument; children are appended to it.
/// </summary>
public sealed record JfsPath(string Namespace, string Path, string Display)
{
    public const string Scheme = "jfs";

    public PathForm Form { get; init; } = PathForm.Absolute;

    /// <summary>The argument ended in "/", "." or "..": a destination that names a directory (Hadoop's representsDirectory).</summary>
    public bool RepresentsDirectory { get; init; }

    public bool IsRoot => Path == "/";

    /// <summary>The last path component ("" for the root), as Hadoop's Path.getName().</summary>
    public string Name => IsRoot ? string.Empty : Path[(Path.LastIndexOf('/') + 1)..];

    /// <summary>An argument without a working directory: a relative path is an error.</summary>
    public static JfsPath Parse(string argument) => Parse(argument, null);

    /// <summary>A literal argument (escapes such as "\*" removed); relative paths resolve under <paramref name="workingDirectory"/>.</summary>
    public static JfsPath Parse(string argument, string? workingDirectory)
    {
        var (form, namespaceName, rawPath) = Split(argument);
        var text = GlobPattern.Unescape(rawPath);
        var path = Resolve(form, namespaceName, text, workingDirectory);
        var marksDirectory = MarksDirectory(text);
        var trailing = KeepsTrailingSlash(text) && path != "/" ? "/" : "";
        var display = form switch
        {
            PathForm.Qualified => rawPath.Length == 0 ? Prefix(namespaceName) : Prefix(namespaceName) + path + trailing,
            PathForm.Absolute => path + trailing,
            _ => RelativeDisplay(text, trailing),
        };
        return new JfsPath(namespaceName, path, display) { Form = form, RepresentsDirectory = marksDirectory };
    }

    /// <summary>This path as Hadoop prints it once it exists (its glob match): the normalized path in the argument's form.</summary>
    public JfsPath Found(string? workingDirectory) => this with { Display = DisplayFound(Form, Namespace, Path, workingDirectory) };

    /// <summary>How Hadoop's PathData.expandAsGlob prints an existing <paramref name="path"/> named in <paramref name="form"/>.</summary>
    public static string DisplayFound(PathForm form, string namespaceName, string path, string? workingDirectory) => form switch
    {
        PathForm.Qualified => Prefix(namespaceName) + path,
        PathForm.Relative when workingDirectory is not null => Relativize(workingDirectory, path),
        _ => path,
    };

    public JfsPath Child(string name) => this with
    {
        Path = IsRoot ? "/" + name : Path + "/" + name,
        Display = Display == "." ? name : (Display.EndsWith('/') ? Display : Display + "/") + name,
        RepresentsDirectory = false,
    };

    /// <summary>The parent directory, or null for the root.</summary>
    public JfsPath? Parent()
    {
        if (IsRoot)
        {
            return null;
        }

        var cut = Path.LastIndexOf('/');
        var parentPath = cut == 0 ? "/" : Path[..cut];
        var shown = Display.TrimEnd('/');
        var displayCut = shown.LastIndexOf('/');
        var parentDisplay = displayCut < 0 ? "." : shown[..(displayCut + (parentPath == "/" ? 1 : 0))];
        return this with { Path = parentPath, Display = parentDisplay, RepresentsDirectory = false };
    }

    public override string ToString() => Display;

    // Equal when they name the same path and print the same; Form and RepresentsDirectory only say how it was typed.
    public bool Equals(JfsPath? other) => other is not null && Namespace == other.Namespace && Path == other.Path && Display == other.Display;

    public override int GetHashCode() => HashCode.Combine(Namespace, Path, Display);

    /// <summary>An argument's form, namespace ("" unless jfs://) and path text as given (maybe relative, maybe empty).</summary>
    internal static (PathForm Form, string Namespace, string Path) Split(string argument)
    {
        if (argument.Length == 0)
        {
            throw new UsageException("Can not create a Path from an empty string"); // Hadoop's Path says so too
        }

        var schemeEnd = argument.IndexOf("://", StringComparison.Ordinal);
        if (schemeEnd < 0)
        {
            return (argument.StartsWith('/') ? PathForm.Absolute : PathForm.Relative, string.Empty, argument);
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

        return (PathForm.Qualified, namespaceName, slash < 0 ? string.Empty : rest[slash..]);
    }

    /// <summary>
    /// The absolute normalized path of <paramref name="text"/>: relative text is put under the working directory,
    /// then "." and "name/.." are removed as URI.normalize does. A ".." above the root is not dropped: URI.normalize
    /// keeps it ("/.." stays "/..") and HDFS then refuses the name with an IllegalArgumentException, which FsShell
    /// prints with the verb's usage and exit code -1. We do the same (<see cref="UsageException"/>) rather than
    /// quietly listing the root, so a script that climbs too far fails as it would on HDFS.
    /// </summary>
    internal static string Resolve(PathForm form, string namespaceName, string text, string? workingDirectory)
    {
        if (form == PathForm.Relative)
        {
            if (workingDirectory is null)
            {
                throw new ShellException($"`{text}': Relative paths are not supported here; use jfs://NAMESPACE/path or /path");
            }

            text = workingDirectory + "/" + text;
        }

        var segments = Normalize(text);
        var path = "/" + string.Join('/', segments);
        if (segments.Count > 0 && segments[0] == "..")
        {
            var qualified = form == PathForm.Qualified ? Prefix(namespaceName) + path : path;
            throw new UsageException($"Pathname {path} from {qualified} is not a valid DFS filename.");
        }

        return path;
    }

    /// <summary>The segments left after dropping empty ones and "." and letting ".." remove the segment before it; a ".." with none before it stays.</summary>
    internal static List<string> Normalize(string text)
    {
        var segments = new List<string>();
        foreach (var segment in text.Split('/', StringSplitOptions.RemoveEmptyEntries))
        {
            if (segment == ".")
            {
                continue;
            }

            if (segment == ".." && segments.Count > 0 && segments[^1] != "..")
            {
                segments.RemoveAt(segments.Count - 1);
                continue;
            }

            segments.Add(segment);
        }

        return segments;
    }

    /// <summary>
    /// <paramref name="path"/> relative to <paramref name="workingDirectory"/> as Hadoop's PathData.relativize gives it:
    /// "." for the directory itself, "../.." to climb, e.g. /user/bob/x from /user/alice is "../bob/x".
    /// </summary>
    public static string Relativize(string workingDirectory, string path)
    {
        var from = workingDirectory.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var to = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var common = 0;
        while (common < from.Length && common < to.Length && from[common] == to[common])
        {
            common++;
        }

        if (common == from.Length && common == to.Length)
        {
            return ".";
        }

        return string.Join('/', Enumerable.Repeat("..", from.Length - common).Concat(to.Skip(common)));
    }

    private static string Prefix(string namespaceName) => $"{Scheme}://{namespaceName}";

    private static bool MarksDirectory(string text) =>
        text.Length == 0 || text.EndsWith('/') || text is "." or ".." || text.EndsWith("/.", StringComparison.Ordinal) || text.EndsWith("/..", StringComparison.Ordinal);

    /// <summary>Whether URI.normalize leaves a trailing slash: "x/", "x/." and "x/y/.." do; "..", whose ".." stays, does not.</summary>
    private static bool KeepsTrailingSlash(string text)
    {
        if (text.EndsWith('/'))
        {
            return true;
        }

        var cut = text.LastIndexOf('/');
        return text[(cut + 1)..] switch
        {
            "." => true,
            ".." => Normalize(cut < 0 ? string.Empty : text[..cut]) is { Count: > 0 } before && before[^1] != "..",
            _ => false,
        };
    }

    private static string RelativeDisplay(string text, string trailing)
    {
        var segments = Normalize(text);
        return segments.Count == 0 ? "." : string.Join('/', segments) + trailing;
    }
}
