using System.Globalization;

namespace JindoMeta.Bench;

/// <summary>Command-line settings shared by every suite; <see cref="Only"/> runs just the scenarios whose name contains it;
/// <see cref="Kills"/> is how many leader SIGKILLs the raft suite's failover measurement makes.</summary>
public sealed record BenchSettings(TimeSpan WarmUp, TimeSpan Duration, IReadOnlyList<int> Callers, string WorkDirectory, string? Only = null, int Connections = 4, int Kills = 20)
{
    /// <summary>The seed's namespace (issue 10): what `replica` and `build-tree` create unless told otherwise.</summary>
    public const int SeedDirectories = 1_596;

    public const long SeedFiles = 1_482_809;

    /// <summary>Whether --seconds was given (the replica suite's lag load runs 30 s by default, the others 3 s a row).</summary>
    public bool DurationGiven { get; init; }

    /// <summary>build-tree and replica: directories of the generated tree (--dirs).</summary>
    public int Directories { get; init; } = SeedDirectories;

    /// <summary>build-tree and replica: files of the generated tree, spread evenly over its directories (--files).</summary>
    public long Files { get; init; } = SeedFiles;

    /// <summary>replica: creates per second of the open-loop load under which the uploader's lag is sampled (--rate).</summary>
    public double Rate { get; init; } = 10_000;

    /// <summary>build-tree: the server to fill, host:port[,host:port...] (--address).</summary>
    public string? Address { get; init; }

    /// <summary>
    /// build-tree and replica: complete each file after creating it (--complete true|false, default true): HDFS semantics,
    /// a written file is closed, as the seed's files are. false halves the writes, and leaves every file under construction.
    /// </summary>
    public bool CompleteFiles { get; init; } = true;

    /// <summary>build-tree: the directory the tree is generated under; it must not exist yet (--root).</summary>
    public string TreeRoot { get; init; } = "/tree";

    /// <summary>The data suite's file size in MiB (--mb).</summary>
    public int FileMegabytes { get; init; } = 1024;

    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var warmUp = TimeSpan.FromSeconds(1);
        var duration = TimeSpan.FromSeconds(3);
        IReadOnlyList<int> callers = [1, 16, 64];
        var work = Path.Combine(Path.GetTempPath(), "jindometa-bench");
        string? only = null;
        var connections = 4;
        var kills = 20;
        var durationGiven = false;
        var directories = SeedDirectories;
        var files = SeedFiles;
        var rate = 10_000.0;
        string? address = null;
        var treeRoot = "/tree";
        var completeFiles = true;
        var megabytes = 1024;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds":
                    duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
                    durationGiven = true;
                    break;
                case "--warmup":
                    warmUp = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
                    break;
                case "--callers":
                    callers = value.Split(',').Select(v => int.Parse(v, CultureInfo.InvariantCulture)).ToArray();
                    break;
                case "--only":
                    only = value;
                    break;
                case "--connections":
                    connections = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--kills":
                    kills = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--dir":
                    work = value;
                    break;
                case "--dirs":
                    directories = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--files":
                    files = long.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--rate":
                    rate = double.Parse(value, CultureInfo.InvariantCulture);
                    break;
                case "--address":
                    address = value;
                    break;
                case "--root":
                    treeRoot = value;
                    break;
                case "--complete":
                    completeFiles = bool.Parse(value);
                    break;
                case "--mb":
                    megabytes = int.Parse(value, CultureInfo.InvariantCulture);
                    break;
                default:
                    throw new ArgumentException($"unknown option {args[i]} (known: --seconds --warmup --callers --dir --only --connections --kills --dirs --files --rate --address --root --complete --mb)");
            }

            i++;
        }

        if (directories < 1 || files < 0 || rate <= 0)
        {
            throw new ArgumentException("--dirs must be at least 1, --files at least 0 and --rate above 0");
        }

        return new BenchSettings(warmUp, duration, callers, work, only, connections, kills)
        {
            DurationGiven = durationGiven,
            Directories = directories,
            Files = files,
            Rate = rate,
            Address = address,
            TreeRoot = treeRoot,
            CompleteFiles = completeFiles,
            FileMegabytes = megabytes,
        };
    }
}

/// <summary>A scratch directory under the benchmark's work directory (same disk for every row), removed after.</summary>
public sealed class WorkDirectory : IDisposable
{
    public WorkDirectory(string root)
    {
        Path = System.IO.Path.Combine(root, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Path);
    }

    public string Path { get; }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
