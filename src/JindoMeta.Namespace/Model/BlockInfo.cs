namespace JindoMeta.Namespace.Model;

/// <summary>
/// One block of a file as the data layer reported it at close. Checksum is the CRC32C of the block's stored
/// chunk checksums (0 for blocks recorded before checksums were kept), so a reader can tell a replaced or
/// truncated object from the one that was written.
/// </summary>
public readonly record struct BlockInfo(long BlockId, long NumBytes, long GenerationStamp, uint Checksum = 0);
