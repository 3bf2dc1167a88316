namespace JindoMeta.Cli.Formatting;

/// <summary>`-du` output: left-aligned columns two spaces apart, sized to the widest cell, no padding on the last.</summary>
public sealed class UsageTable(int columns)
{
    private readonly List<string[]> _rows = [];
    private readonly int[] _widths = new int[columns];

    public int Count => _rows.Count;

    public void Add(params string[] cells)
    {
        for (var i = 0; i < _widths.Length; i++)
        {
            _widths[i] = Math.Max(_widths[i], cells[i].Length);
        }

        _rows.Add(cells);
    }

    public IEnumerable<string> Lines()
    {
        foreach (var row in _rows)
        {
            yield return string.Join("  ", row.Select((cell, i) => i == row.Length - 1 ? cell : cell.PadRight(_widths[i])));
        }
    }
}
