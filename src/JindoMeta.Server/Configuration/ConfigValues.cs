using System.Globalization;

namespace JindoMeta.Server.Configuration;

/// <summary>Parsers and checks for config values, shared by the key table and the typed settings.</summary>
public static class ConfigValues
{
    public static string? Any(string value) => value is null ? "must be set" : null;

    public static string? NonEmpty(string value) => string.IsNullOrWhiteSpace(value) ? "must not be empty" : null;

    public static string? Boolean(string value) => ParseBoolean(value) is null ? "must be true or false" : null;

    public static Func<string, string?> Integer(long min, long max) => value =>
        long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number) && number >= min && number <= max
            ? null
            : $"must be an integer within [{min}, {max}]";

    public static Func<string, string?> Size(long min, long max) => value =>
        ParseSize(value) is { } bytes && bytes >= min && bytes <= max
            ? null
            : $"must be a size in bytes (suffixes k, m, g allowed) within [{FormatSize(min)}, {FormatSize(max)}]";

    public static Func<string, string?> OneOf(params string[] choices) => value =>
        choices.Contains(value, StringComparer.Ordinal) ? null : $"must be one of {string.Join(", ", choices)}";

    public static string? Octal(string value) =>
        value.Length is >= 1 and <= 4 && value.All(c => c is >= '0' and <= '7') ? null : "must be an octal mode such as 022";

    public static string? NameList(string value)
    {
        var names = value.Split(',', StringSplitOptions.TrimEntries);
        if (names.Length == 0 || names.Any(n => n.Length == 0))
        {
            return "must be a comma-separated list of names without empty entries";
        }

        var bad = names.FirstOrDefault(n => n.Length > 64 || !n.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_'));
        if (bad is not null)
        {
            return $"has an invalid name '{bad}' (letters, digits, '-' and '_', at most 64)";
        }

        return names.Distinct(StringComparer.Ordinal).Count() == names.Length ? null : "names a namespace twice";
    }

    /// <summary>Hadoop's hadoop.user.group.static.mapping.overrides: "user1=group1,group2;user2=;".</summary>
    public static string? GroupMapping(string value) => ParseGroupMapping(value) is null
        ? "must look like user1=group1,group2;user2=; (user=comma-separated groups, entries separated by ';')"
        : null;

    public static bool? ParseBoolean(string value) => value.ToLowerInvariant() switch
    {
        "true" => true,
        "false" => false,
        _ => null,
    };

    public static long? ParseSize(string value)
    {
        var text = value.Trim().ToLowerInvariant();
        if (text.EndsWith('b'))
        {
            text = text[..^1];
        }

        long multiplier = 1;
        if (text.Length > 0 && text[^1] is 'k' or 'm' or 'g' or 't')
        {
            multiplier = text[^1] switch { 'k' => 1L << 10, 'm' => 1L << 20, 'g' => 1L << 30, _ => 1L << 40 };
            text = text[..^1];
        }

        return long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= long.MaxValue / multiplier
            ? number * multiplier
            : null;
    }

    public static IReadOnlyDictionary<string, IReadOnlyList<string>>? ParseGroupMapping(string value)
    {
        var mapping = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var entry in value.Split(';', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = entry.Split('=', 2, StringSplitOptions.TrimEntries);
            if (parts.Length != 2 || parts[0].Length == 0)
            {
                return null;
            }

            mapping[parts[0]] = parts[1].Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        }

        return mapping;
    }

    private static string FormatSize(long bytes) => bytes >= 1L << 30 && bytes % (1L << 30) == 0
        ? $"{bytes >> 30}g"
        : bytes >= 1L << 20 && bytes % (1L << 20) == 0 ? $"{bytes >> 20}m" : bytes.ToString(CultureInfo.InvariantCulture);
}
