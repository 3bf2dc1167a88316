namespace JindoMeta.Namespace.Model;

/// <summary>What `hadoop fs -count` prints: directories (including the path itself), files, bytes.</summary>
public readonly record struct ContentSummary(long DirectoryCount, long FileCount, long Length);
