using System.Text;
using JindoMeta.Namespace.Errors;

namespace JindoMeta.Namespace.Paths;

/// <summary>
/// The path rules every operation applies before touching state: absolute, normalized (no empty, "." or ".."
/// components, no trailing slash), no NUL, each component at most 255 UTF-8 bytes, bounded depth and length.
/// The limits are HDFS's (dfs.namenode.fs-limits.max-component-length, MAX_PATH_DEPTH, MAX_PATH_LENGTH).
/// </summary>
public static class PathRules
{
    public const int MaxComponentBytes = 255;
    public const int MaxDepth = 1000;
    public const int MaxPathLength = 8000;

    /// <summary>Splits a valid path into its components ("/" has none), or names the rule it breaks.</summary>
    public static Result<string[]> Parse(string? path)
    {
        if (path is null || path.Length == 0)
        {
            return Invalid(path ?? "", "path is empty");
        }

        if (path[0] != '/')
        {
            return Invalid(path, "path is not absolute (must start with '/')");
        }

        if (path.Length > MaxPathLength)
        {
            return Invalid(path, $"path is longer than {MaxPathLength} characters");
        }

        if (path.Length == 1)
        {
            return Result<string[]>.Ok([]);
        }

        if (path.Contains('\0'))
        {
            return Invalid(path, "path contains a NUL character");
        }

        var components = path[1..].Split('/');
        if (components.Length > MaxDepth)
        {
            return Invalid(path, $"path is deeper than {MaxDepth} components");
        }

        foreach (var component in components)
        {
            var rule = CheckComponent(component);
            if (rule is not null)
            {
                return Invalid(path, rule);
            }
        }

        return Result<string[]>.Ok(components);
    }

    /// <summary>Null when <paramref name="name"/> is a valid single name, else the rule it breaks.</summary>
    public static string? CheckComponent(string name)
    {
        if (name.Length == 0)
        {
            return "path has an empty component (a doubled or trailing '/')";
        }

        if (name is "." or "..")
        {
            return $"path has a '{name}' component (paths must be normalized)";
        }

        if (name.Contains('\0'))
        {
            return "path contains a NUL character";
        }

        if (name.Contains('/'))
        {
            return "a name must not contain '/'";
        }

        // An unpaired surrogate has no UTF-8 form: encoding would replace it by U+FFFD, so distinct names
        // would share one stored key.
        if (HasUnpairedSurrogate(name))
        {
            return "path is not valid Unicode (an unpaired UTF-16 surrogate)";
        }

        // UTF-8 is at most 3 bytes per UTF-16 unit, so short names skip the count.
        if (name.Length * 3 > MaxComponentBytes && Encoding.UTF8.GetByteCount(name) > MaxComponentBytes)
        {
            return $"component '{name[..Math.Min(name.Length, 32)]}...' is longer than {MaxComponentBytes} UTF-8 bytes";
        }

        return null;
    }

    private static bool HasUnpairedSurrogate(string name)
    {
        for (var i = 0; i < name.Length; i++)
        {
            if (!char.IsSurrogate(name[i]))
            {
                continue;
            }

            if (!char.IsHighSurrogate(name[i]) || i + 1 == name.Length || !char.IsLowSurrogate(name[i + 1]))
            {
                return true;
            }

            i++;
        }

        return false;
    }

    /// <summary>Joins a parent path and a child name.</summary>
    public static string Combine(string parent, string name) => parent.Length == 1 ? "/" + name : parent + "/" + name;

    /// <summary>The parent of an absolute path; "/" for top-level entries.</summary>
    public static string ParentOf(string path)
    {
        var slash = path.LastIndexOf('/');
        return slash <= 0 ? "/" : path[..slash];
    }

    /// <summary>True when <paramref name="path"/> equals <paramref name="ancestor"/> or lies under it.</summary>
    public static bool IsSameOrUnder(string path, string ancestor) =>
        ancestor.Length == 1 ||
        (path.StartsWith(ancestor, StringComparison.Ordinal) && (path.Length == ancestor.Length || path[ancestor.Length] == '/'));

    private static Result<string[]> Invalid(string path, string rule) =>
        new NamespaceError(ErrorCode.InvalidPath, $"Invalid path \"{Printable(path)}\": {rule}");

    private static string Printable(string path)
    {
        var shown = path.Length > 200 ? path[..200] + "..." : path;
        return shown.Replace("\0", "\\0", StringComparison.Ordinal);
    }
}
