using System.Collections;
using System.Text;

namespace JindoMeta.Server.Configuration;

/// <summary>Where a value came from, lowest precedence first.</summary>
public enum ConfigSource
{
    Default,
    File,
    Environment,
    CommandLine,
}

/// <summary>
/// The configuration after layering defaults, then the file, then the environment, then the command line:
/// each key's value and the source that set it. Every value has passed its key's check.
/// </summary>
public sealed class EffectiveConfig
{
    private readonly Dictionary<string, (string Value, ConfigSource Source)> _values;

    private EffectiveConfig(Dictionary<string, (string Value, ConfigSource Source)> values) => _values = values;

    public string? this[string key] => _values.TryGetValue(key, out var entry) ? entry.Value : null;

    public string Required(string key) => this[key] ?? throw new ConfigException($"{key} is not set");

    /// <summary>The keys of a family (such as hadoop.proxyuser.*) that some source set, in name order.</summary>
    public IEnumerable<(string Key, string Value, ConfigSource Source)> WithPrefix(string prefix) =>
        _values.Where(e => e.Key.StartsWith(prefix, StringComparison.Ordinal)).OrderBy(e => e.Key, StringComparer.Ordinal)
            .Select(e => (e.Key, e.Value.Value, e.Value.Source));

    public ConfigSource SourceOf(string key) => _values.TryGetValue(key, out var entry) ? entry.Source : ConfigSource.Default;

    /// <summary>
    /// Layers the sources. <paramref name="fileLines"/> is the config file's content (key = value lines, '#'
    /// comments), <paramref name="environment"/> the process environment (only JINDOMETA_* variables matter),
    /// <paramref name="overrides"/> the -D key=value arguments in order.
    /// </summary>
    public static EffectiveConfig Load(
        string? fileName, IReadOnlyList<string>? fileLines, IDictionary environment, IReadOnlyList<string> overrides)
    {
        var values = new Dictionary<string, (string, ConfigSource)>(StringComparer.Ordinal);
        foreach (var key in ConfigKeys.All)
        {
            if (key.Default is not null)
            {
                values[key.Name] = (key.Default, ConfigSource.Default);
            }
        }

        if (fileLines is not null)
        {
            ApplyFile(values, fileName ?? "config", fileLines);
        }

        ApplyEnvironment(values, environment);
        foreach (var assignment in overrides)
        {
            var (key, value) = Split(assignment) ?? throw new ConfigException($"-D {LeadingWord(assignment)}...: expected key=value");
            Set(values, key, value, ConfigSource.CommandLine, $"-D {key}");
        }

        return new EffectiveConfig(values);
    }

    /// <summary>The effective config as key = value lines with their source; secrets masked.</summary>
    public string Print()
    {
        var text = new StringBuilder();
        foreach (var key in ConfigKeys.All)
        {
            if (!_values.TryGetValue(key.Name, out var entry))
            {
                text.Append(key.Name).Append(" =").Append("   # unset").Append('\n');
                continue;
            }

            var shown = key.Secret ? "******" : entry.Value;
            text.Append(key.Name).Append(" = ").Append(shown).Append("   # ").Append(entry.Source.ToString().ToLowerInvariant()).Append('\n');
        }

        foreach (var (name, value, source) in WithPrefix(ConfigKeys.ProxyUserPrefix))
        {
            text.Append(name).Append(" = ").Append(value).Append("   # ").Append(source.ToString().ToLowerInvariant()).Append('\n');
        }

        return text.ToString();
    }

    private static void ApplyFile(Dictionary<string, (string, ConfigSource)> values, string fileName, IReadOnlyList<string> lines)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < lines.Count; i++)
        {
            var line = lines[i].Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            var where = $"{fileName}:{i + 1}";
            var (key, value) = Split(line) ?? throw new ConfigException($"{where}: expected 'key = value' after '{LeadingWord(line)}'");
            if (!seen.Add(key))
            {
                throw new ConfigException($"{where}: {key} is set twice in the file");
            }

            Set(values, key, value, ConfigSource.File, where);
        }
    }

    private static void ApplyEnvironment(Dictionary<string, (string, ConfigSource)> values, IDictionary environment)
    {
        var byVariable = ConfigKeys.All.ToDictionary(k => k.EnvironmentVariable, StringComparer.Ordinal);
        foreach (DictionaryEntry variable in environment)
        {
            var name = (string)variable.Key;
            if (!name.StartsWith("JINDOMETA_", StringComparison.Ordinal) || name == "JINDOMETA_CONFIG")
            {
                continue;
            }

            if (!byVariable.TryGetValue(name, out var key))
            {
                throw new ConfigException($"environment variable {name} names no configuration key (keys map to JINDOMETA_ + the key in upper case with '.' and '-' as '_')");
            }

            Set(values, key.Name, (string?)variable.Value ?? "", ConfigSource.Environment, $"environment {name}");
        }
    }

    private static void Set(Dictionary<string, (string, ConfigSource)> values, string keyName, string value, ConfigSource source, string where)
    {
        var key = ConfigKeys.Find(keyName);
        if (key is null)
        {
            var hint = ConfigKeys.Closest(keyName) is { } closest ? $" (did you mean {closest}?)" : "";
            throw new ConfigException($"{where}: unknown key {keyName}{hint}");
        }

        if (key.Check(value) is { } problem)
        {
            var shown = key.Secret ? "******" : $"'{Truncate(value)}'";
            throw new ConfigException($"{where}: {key.Name} = {shown} {problem}");
        }

        values[key.Name] = (value, source);
    }

    private static (string Key, string Value)? Split(string assignment)
    {
        var equals = assignment.IndexOf('=', StringComparison.Ordinal);
        if (equals <= 0)
        {
            return null;
        }

        return (assignment[..equals].Trim(), assignment[(equals + 1)..].Trim());
    }

    /// <summary>
    /// The first word of a malformed line, and nothing after it: the rest may be a secret written with the wrong
    /// separator ("namespace.ots.accessSecret: value"), and error messages end up in logs.
    /// </summary>
    private static string LeadingWord(string text)
    {
        var end = text.IndexOfAny([' ', '\t', ':', '=']);
        return Truncate(end < 0 ? text : text[..end]);
    }

    private static string Truncate(string text) => text.Length > 80 ? text[..80] + "..." : text;
}
