using System.Globalization;

namespace JindoMeta.Bench;

/// <summary>Command-line settings shared by every suite; <see cref="Only"/> runs just the scenarios whose name contains it;
/// <see cref="Kills"/> is how many leader SIGKILLs the raft suite's failover measurement makes.</summary>
public sealed record BenchSettings(TimeSpan WarmUp, TimeSpan Duration, IReadOnlyList<int> Callers, string WorkDirectory, string? Only = null, int Connections = 4, int Kills = 20)
{
    public static BenchSettings Parse(IReadOnlyList<string> args)
    {
        var warmUp = TimeSpan.FromSeconds(1);
        var duration = TimeSpan.FromSeconds(3);
        IReadOnlyList<int> callers = [1, 16, 64];
        var work = Path.Combine(Path.GetTempPath(), "jindometa-bench");
        string? only = null;
        var connections = 4;
        var kills = 20;
        for (var i = 0; i < args.Count; i++)
        {
            var value = i + 1 < args.Count ? args[i + 1] : throw new ArgumentException($"{args[i]} needs a value");
            switch (args[i])
            {
                case "--seconds":
                    duration = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture));
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
                default:
                    throw new ArgumentException($"unknown option {args[i]} (known: --seconds --warmup --callers --dir --only --connections --kills)");
            }

            i++;
        }

        return new BenchSettings(warmUp, duration, callers, work, only, connections, kills);
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
