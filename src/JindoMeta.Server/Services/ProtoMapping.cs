using JindoMeta.Namespace.Model;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Services;

/// <summary>Namespace model values to and from their protobuf messages.</summary>
public static class ProtoMapping
{
    public static Proto.FileStatus ToProto(FileStatus status, bool includeBlocks)
    {
        var record = status.Record;
        var message = new Proto.FileStatus
        {
            Path = status.Path,
            FileId = record.Id,
            Type = record.IsDirectory ? Proto.FileType.Directory : Proto.FileType.File,
            Length = record.Length,
            Replication = record.Replication,
            BlockSize = record.BlockSize,
            ModificationTime = record.ModificationTime,
            AccessTime = record.AccessTime,
            Permission = record.Permission,
            Owner = record.Owner,
            Group = record.Group,
            UnderConstruction = record.UnderConstruction,
        };
        if (includeBlocks)
        {
            foreach (var block in record.Blocks)
            {
                message.Blocks.Add(new Proto.Block { BlockId = block.BlockId, NumBytes = block.NumBytes, GenerationStamp = block.GenerationStamp, Checksum = block.Checksum });
            }
        }

        return message;
    }

    public static BlockInfo FromProto(Proto.Block block) => new(block.BlockId, block.NumBytes, block.GenerationStamp, block.Checksum);
}
