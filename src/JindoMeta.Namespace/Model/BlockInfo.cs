namespace JindoMeta.Namespace.Model;

/// <summary>One block of a file as the data layer reported it at close.</summary>
public readonly record struct BlockInfo(long BlockId, long NumBytes, long GenerationStamp);
