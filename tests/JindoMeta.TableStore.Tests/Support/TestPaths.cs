namespace JindoMeta.TableStore.Tests.Support;

internal static class TestPaths
{
    /// <summary>shared/reference/tablestore/vectors, found by walking up from the test binaries (repo's ../shared).</summary>
    public static string VectorDirectory { get; } = FindUp(Path.Combine("shared", "reference", "tablestore", "vectors"));

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
