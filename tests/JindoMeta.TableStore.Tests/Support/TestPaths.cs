namespace JindoMeta.TableStore.Tests.Support;

internal static class TestPaths
{
    /// <summary>
    /// The golden vectors captured from the official Node SDK (a copy of ../shared/reference/tablestore/vectors kept
    /// in the repo, so a clone without ../shared still runs them).
    /// </summary>
    public static string VectorDirectory { get; } = FindUp(Path.Combine("tests", "JindoMeta.TableStore.Tests", "Vectors", "data"));

    /// <summary>tests/JindoMeta.TableStore.Tests/node (holds node_modules with tablestore@5.6.5).</summary>
    public static string NodeDirectory { get; } = FindUp(Path.Combine("tests", "JindoMeta.TableStore.Tests", "node"));

    private static string FindUp(string relative)
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, relative);
            if (Directory.Exists(candidate))
            {
                return candidate;
            }
        }
        throw new DirectoryNotFoundException($"cannot find {relative} above {AppContext.BaseDirectory}");
    }
}
