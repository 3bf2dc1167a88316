using System.Globalization;

namespace JindoMeta.Bench.Load;

/// <summary>
/// The generated namespace: <see cref="Directories"/> directories under <see cref="Root"/> in a tree of fan-out
/// <see cref="FanOut"/> (directory i's parent is directory i / 40 - 1, the root for the first 40, so every parent
/// comes before its children: the seed's 1,596 directories are 40 at depth 1 and 1,556 at depth 2), and file j named
/// f<c>j</c> in directory j mod <see cref="Directories"/>, so the files are spread evenly (each directory holds the
/// floor or the ceiling of files / directories).
/// </summary>
public sealed class TreeShape
{
    public const int FanOut = 40;

    private readonly string[] _directoryPaths;

    public TreeShape(string root, int directories, long files)
    {
        if (!root.StartsWith('/') || root.Length < 2 || root.EndsWith('/'))
        {
            throw new ArgumentException($"the tree root must be an absolute path below / without a trailing slash, not '{root}'");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(directories, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(files);
        Root = root;
        Files = files;
        _directoryPaths = new string[directories];
        var depths = new int[directories];
        var levels = new List<List<int>>();
        for (var i = 0; i < directories; i++)
        {
            var parent = Parent(i);
            var name = "d" + i.ToString(CultureInfo.InvariantCulture);
            _directoryPaths[i] = parent < 0 ? $"{root}/{name}" : $"{_directoryPaths[parent]}/{name}";
            depths[i] = parent < 0 ? 0 : depths[parent] + 1;
            if (depths[i] == levels.Count)
            {
                levels.Add([]);
            }

            levels[depths[i]].Add(i);
        }

        Levels = levels;
    }

    public string Root { get; }

    public int Directories => _directoryPaths.Length;

    public long Files { get; }

    /// <summary>Directory indices by depth: every directory of a level can be created at once once the level above exists.</summary>
    public IReadOnlyList<IReadOnlyList<int>> Levels { get; }

    public string DirectoryPath(int directory) => _directoryPaths[directory];

    /// <summary>File <paramref name="file"/>'s path; any non-negative number has one (the lag load creates past <see cref="Files"/>).</summary>
    public string FilePath(long file) =>
        $"{_directoryPaths[file % _directoryPaths.Length]}/f{file.ToString(CultureInfo.InvariantCulture)}";

    private static int Parent(int directory) => (directory / FanOut) - 1;
}
