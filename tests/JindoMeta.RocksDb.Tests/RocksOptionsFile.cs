using System.Globalization;

namespace JindoMeta.RocksDb.Tests;

/// <summary>Reads the INI-like OPTIONS-&lt;n&gt; file RocksDB writes into the database directory.</summary>
internal static class RocksOptionsFile
{
    public static Dictionary<string, Dictionary<string, string>> ReadLatest(string directory)
    {
        var latest = Directory.GetFiles(directory, "OPTIONS-*")
            .OrderBy(file => long.Parse(Path.GetFileName(file)["OPTIONS-".Length..], CultureInfo.InvariantCulture))
            .Last();
        var sections = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        Dictionary<string, string>? current = null;
        foreach (var raw in File.ReadLines(latest))
        {
            var line = raw.Trim();
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            if (line[0] == '[')
            {
                current = new Dictionary<string, string>(StringComparer.Ordinal);
                sections[line[1..^1]] = current;
                continue;
            }

            var equals = line.IndexOf('=', StringComparison.Ordinal);
            if (current is not null && equals > 0)
            {
                current[line[..equals]] = line[(equals + 1)..];
            }
        }

        return sections;
    }
}
