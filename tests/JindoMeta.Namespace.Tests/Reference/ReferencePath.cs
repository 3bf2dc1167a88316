using System.Text;
using JindoMeta.Namespace.Errors;

namespace JindoMeta.Namespace.Tests.Reference;

/// <summary>
/// The reference model's own path handling, written from the HDFS rules (not from the engine's PathRules):
/// absolute, normalized, no NUL, components of at most 255 UTF-8 bytes, depth at most 1000, length at most 8000.
/// Paths are plain strings such as "/a/b"; the root is "/".
/// </summary>
public static class ReferencePath
{
    public const string Root = "/";

    /// <summary>The components of a valid path ("/" has none), or an InvalidPath error.</summary>
    public static Result<List<string>> Parse(string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '/' || path.Length > 8000)
        {
            return Invalid();
        }

        var components = new List<string>();
        if (path == Root)
        {
            return components;
        }

        foreach (var name in path.Substring(1).Split('/'))
        {
            if (!IsValidName(name))
            {
                return Invalid();
            }

            components.Add(name);
        }

        return components.Count > 1000 ? Invalid() : components;
    }

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static bool IsValidName(string name)
    {
        if (name.Length == 0 || name == "." || name == ".." || name.Contains('\0') || name.Contains('/'))
        {
            return false;
        }

        try
        {
            return StrictUtf8.GetByteCount(name) <= 255;
        }
        catch (EncoderFallbackException)
        {
            return false; // an unpaired surrogate has no UTF-8 form
        }
    }

    public static string Join(IEnumerable<string> components) => "/" + string.Join('/', components);

    public static string Child(string parent, string name) => parent == Root ? "/" + name : parent + "/" + name;

    public static string Parent(string path) => path.LastIndexOf('/') == 0 ? Root : path.Substring(0, path.LastIndexOf('/'));

    public static string Name(string path) => path == Root ? "" : path.Substring(path.LastIndexOf('/') + 1);

    /// <summary>True when <paramref name="path"/> lies strictly below <paramref name="ancestor"/>.</summary>
    public static bool IsStrictlyUnder(string path, string ancestor) =>
        ancestor == Root ? path != Root : path.StartsWith(ancestor + "/", StringComparison.Ordinal);

    /// <summary>Names compare as their UTF-8 bytes do: the obvious way, by encoding both.</summary>
    public static int CompareUtf8(string a, string b) =>
        Encoding.UTF8.GetBytes(a).AsSpan().SequenceCompareTo(Encoding.UTF8.GetBytes(b));

    private static Result<List<string>> Invalid() => new NamespaceError(ErrorCode.InvalidPath, "invalid path");
}
