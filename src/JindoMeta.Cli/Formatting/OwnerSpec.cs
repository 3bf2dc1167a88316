using System.Text.RegularExpressions;

namespace JindoMeta.Cli.Formatting;

/// <summary>A `-chown` argument: OWNER, OWNER:GROUP, OWNER: or :GROUP (Hadoop's pattern and messages).</summary>
public sealed partial record OwnerSpec(string? Owner, string? Group)
{
    public static OwnerSpec Parse(string text)
    {
        var match = Pattern().Match(text);
        if (!match.Success)
        {
            throw new FormatException($"'{text}' does not match expected pattern for [owner][:group].");
        }

        var owner = match.Groups[1].Success && match.Groups[1].Length > 0 ? match.Groups[1].Value : null;
        var group = match.Groups[3].Success && match.Groups[3].Length > 0 ? match.Groups[3].Value : null;
        if (owner is null && group is null)
        {
            throw new FormatException($"'{text}' does not specify owner or group.");
        }

        return new OwnerSpec(owner, group);
    }

    [GeneratedRegex(@"^\s*([-_./@a-zA-Z0-9]+)?(:([-_./@a-zA-Z0-9]+)?)?\s*$")]
    private static partial Regex Pattern();
}
