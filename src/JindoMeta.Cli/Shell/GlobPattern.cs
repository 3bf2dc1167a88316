using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace JindoMeta.Cli.Shell;

/// <summary>
/// One path component's glob in Hadoop's syntax (GlobPattern / GlobFilter): <c>*</c> any run of characters,
/// <c>?</c> one character, <c>[abc]</c> <c>[a-z]</c> a set, <c>[^a]</c> or <c>[!a]</c> its complement,
/// <c>{a,b}</c> alternatives (nested too), <c>\c</c> the character c itself. The whole name must match; a leading
/// dot needs no special pattern (Hadoop's globber matches hidden names with <c>*</c>). Components never contain
/// '/', so <c>*</c> cannot cross one; braces holding a '/' are expanded first by <see cref="ExpandSlashBraces"/>.
/// </summary>
public sealed class GlobPattern
{
    private readonly Regex _regex;

    private GlobPattern(Regex regex, bool hasWildcard)
    {
        _regex = regex;
        HasWildcard = hasWildcard;
    }

    /// <summary>Whether the component uses <c>* ? [ {</c> unescaped; one without is a plain name (see <see cref="Unescape"/>).</summary>
    public bool HasWildcard { get; }

    public bool IsMatch(string name) => _regex.IsMatch(name);

    /// <summary>
    /// Compiles <paramref name="glob"/>; throws <see cref="FormatException"/> worded as Hadoop's PatternSyntaxException
    /// ("Unclosed character class near index 4", the pattern on the next line, a caret under the index when inside it).
    /// </summary>
    public static GlobPattern Compile(string glob)
    {
        var regex = new StringBuilder();
        var inSet = false;
        var setStart = -1;
        var groups = 0;
        var hasWildcard = false;
        for (var i = 0; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '\\')
            {
                if (++i == glob.Length)
                {
                    throw Error("Missing escaped character", glob, i);
                }

                AppendLiteral(regex, glob[i]);
                continue;
            }

            if (inSet)
            {
                if (c == '[')
                {
                    throw Error("Unclosed character class", glob, i);
                }

                if (c == ']' && i > setStart + 1 && !(i == setStart + 2 && glob[setStart + 1] is '^' or '!'))
                {
                    inSet = false;
                    regex.Append(']');
                }
                else if (i == setStart + 1 && c is '^' or '!')
                {
                    regex.Append('^');
                }
                else
                {
                    // Inside a set only '-' keeps a meaning (ranges); everything else is the character itself.
                    if (c == '-')
                    {
                        regex.Append('-');
                    }
                    else
                    {
                        AppendLiteral(regex, c);
                    }
                }

                continue;
            }

            switch (c)
            {
                case '*':
                    regex.Append(".*");
                    hasWildcard = true;
                    break;
                case '?':
                    regex.Append('.');
                    hasWildcard = true;
                    break;
                case '[':
                    regex.Append('[');
                    inSet = true;
                    setStart = i;
                    hasWildcard = true;
                    break;
                case '{':
                    regex.Append("(?:");
                    groups++;
                    hasWildcard = true;
                    break;
                case ',' when groups > 0:
                    regex.Append('|');
                    break;
                case '}' when groups > 0:
                    regex.Append(')');
                    groups--;
                    break;
                default:
                    AppendLiteral(regex, c);
                    break;
            }
        }

        if (inSet)
        {
            throw Error("Unclosed character class", glob, glob.Length);
        }

        if (groups > 0)
        {
            throw Error("Unclosed group", glob, glob.Length);
        }

        try
        {
            return new GlobPattern(new Regex($@"\A(?:{regex})\z", RegexOptions.Singleline | RegexOptions.CultureInvariant), hasWildcard);
        }
        catch (ArgumentException e)
        {
            // e.g. a reversed range [z-a]: Java's regex compiler rejects it too.
            throw new FormatException($"{e.Message}\n{glob}", e);
        }
    }

    /// <summary>Removes the escapes of a name that has no wildcard: "a\*b" names the file "a*b", as Hadoop's globber does.</summary>
    public static string Unescape(string text)
    {
        if (!text.Contains('\\', StringComparison.Ordinal))
        {
            return text;
        }

        var plain = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            if (text[i] == '\\' && i + 1 < text.Length)
            {
                i++;
            }

            plain.Append(text[i]);
        }

        return plain.ToString();
    }

    /// <summary>
    /// Hadoop's GlobExpander: every brace group that holds a '/' becomes one pattern per alternative (leftmost group
    /// first, nested groups after), so that what is left of each pattern splits into components at '/'. Groups
    /// without a '/' stay for <see cref="Compile"/>. A pattern with no such group comes back alone.
    /// </summary>
    public static IReadOnlyList<string> ExpandSlashBraces(string pattern)
    {
        var done = new List<string>();
        var pending = new Stack<(string Pattern, int From)>();
        pending.Push((pattern, 0));
        while (pending.Count > 0)
        {
            var (current, from) = pending.Pop();
            if (FindSlashGroup(current, from) is not { } group)
            {
                done.Add(current);
                continue;
            }

            var prefix = current[..group.Open];
            var suffix = current[(group.Close + 1)..];
            // Pushed in reverse so the first alternative is expanded (and listed) first.
            for (var i = group.Alternatives.Count - 1; i >= 0; i--)
            {
                pending.Push((prefix + group.Alternatives[i] + suffix, prefix.Length));
            }
        }

        return done;
    }

    private static (int Open, int Close, List<string> Alternatives)? FindSlashGroup(string pattern, int from)
    {
        var open = from;
        while (open < pattern.Length)
        {
            if (pattern[open] == '\\')
            {
                open += 2;
                continue;
            }

            if (pattern[open] != '{')
            {
                open++;
                continue;
            }

            var close = MatchingBrace(pattern, open, out var alternatives, out var sawSlash);
            if (close < 0)
            {
                return null; // unclosed: Compile reports it
            }

            if (sawSlash)
            {
                return (open, close, alternatives);
            }

            open = close + 1;
        }

        return null;
    }

    /// <summary>The index of the '}' closing the group at <paramref name="open"/> (-1: none), its top-level alternatives.</summary>
    private static int MatchingBrace(string pattern, int open, out List<string> alternatives, out bool sawSlash)
    {
        alternatives = [];
        sawSlash = false;
        var depth = 0;
        var start = open + 1;
        for (var i = open; i < pattern.Length; i++)
        {
            switch (pattern[i])
            {
                case '\\':
                    i++;
                    break;
                case '{':
                    depth++;
                    break;
                case '}':
                    if (--depth == 0)
                    {
                        alternatives.Add(pattern[start..i]);
                        return i;
                    }

                    break;
                case ',' when depth == 1:
                    alternatives.Add(pattern[start..i]);
                    start = i + 1;
                    break;
                case '/':
                    sawSlash = true;
                    break;
            }
        }

        return -1;
    }

    private static void AppendLiteral(StringBuilder regex, char c)
    {
        // Letters and digits are themselves; "\d" would be a class in a regex, not the glob's escaped 'd'.
        if (char.IsLetterOrDigit(c) || c > 0x7F)
        {
            regex.Append(c);
        }
        else
        {
            regex.Append('\\').Append(c);
        }
    }

    private static FormatException Error(string description, string glob, int index)
    {
        var text = new StringBuilder(description).Append(" near index ").Append(index.ToString(CultureInfo.InvariantCulture));
        text.Append('\n').Append(glob);
        if (index < glob.Length)
        {
            text.Append('\n').Append(' ', index).Append('^');
        }

        return new FormatException(text.ToString());
    }
}
