using System.Buffers;
using JindoMeta.Namespace.Model;

namespace JindoMeta.Namespace.Schema;

/// <summary>
/// The dentry value: version 2 = [2][type][permission][id][owner][group][mtime][atime][length][replication]
/// [block size][flags][block count]{[block id][bytes][generation stamp][checksum]}; integers are varints, strings
/// length-prefixed UTF-8; flags: 1 under construction, 2 reopened for append. Version 1 (no checksums, flag 1
/// only) is still read. Decoding rejects anything malformed with a <see cref="FormatException"/>.
/// </summary>
public static class InodeRecordCodec
{
    private const byte Version = 2;
    private const byte VersionWithoutChecksums = 1;
    private const byte UnderConstructionFlag = 1;
    private const byte ReopenedForAppendFlag = 2;
    private const int MaxPrincipalBytes = 1024;
    private const int MaxBlocks = 1_000_000;

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    public static byte[] Encode(InodeRecord record)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(256);
        buffer.ResetWrittenCount();
        var writer = new RecordWriter(buffer);
        writer.Byte(Version);
        writer.Byte((byte)record.Type);
        writer.UVarint(record.Permission);
        writer.Varint(record.Id);
        writer.String(record.Owner);
        writer.String(record.Group);
        writer.Varint(record.ModificationTime);
        writer.Varint(record.AccessTime);
        writer.Varint(record.Length);
        writer.Varint(record.Replication);
        writer.Varint(record.BlockSize);
        writer.Byte((byte)((record.UnderConstruction ? UnderConstructionFlag : 0) | (record.ReopenedForAppend ? ReopenedForAppendFlag : 0)));
        writer.UVarint((ulong)record.Blocks.Count);
        foreach (var block in record.Blocks)
        {
            writer.Varint(block.BlockId);
            writer.Varint(block.NumBytes);
            writer.Varint(block.GenerationStamp);
            writer.UVarint(block.Checksum);
        }

        return buffer.WrittenSpan.ToArray();
    }

    public static InodeRecord Decode(ReadOnlySpan<byte> value)
    {
        var reader = new RecordReader(value, "inode record");
        var version = reader.Byte();
        if (version is not (Version or VersionWithoutChecksums))
        {
            throw new FormatException($"Malformed inode record: unknown version {version}");
        }

        var type = (InodeType)reader.Byte();
        if (type is not (InodeType.File or InodeType.Directory))
        {
            throw new FormatException($"Malformed inode record: unknown inode type {(byte)type}");
        }

        var permission = reader.UVarint();
        if (permission > Security.FsPermission.Mask)
        {
            throw new FormatException($"Malformed inode record: permission {permission} is out of range");
        }

        var id = reader.Varint();
        var owner = reader.String(MaxPrincipalBytes);
        var group = reader.String(MaxPrincipalBytes);
        var modificationTime = reader.Varint();
        var accessTime = reader.Varint();
        var length = reader.Varint();
        var replication = reader.Varint();
        var blockSize = reader.Varint();
        var flags = reader.Byte();
        var knownFlags = version == Version ? UnderConstructionFlag | ReopenedForAppendFlag : UnderConstructionFlag;
        if ((flags & ~knownFlags) != 0)
        {
            throw new FormatException($"Malformed inode record: unknown flags {flags}");
        }

        var blockCount = reader.Length(MaxBlocks);
        var blocks = blockCount == 0 ? [] : new BlockInfo[blockCount];
        for (var i = 0; i < blockCount; i++)
        {
            blocks[i] = new BlockInfo(reader.Varint(), reader.Varint(), reader.Varint(), version == Version ? reader.UVarint32("block checksum") : 0);
        }

        reader.ExpectEnd();
        return new InodeRecord
        {
            Id = id,
            Type = type,
            Permission = (ushort)permission,
            Owner = owner,
            Group = group,
            ModificationTime = modificationTime,
            AccessTime = accessTime,
            Length = length,
            Replication = replication is >= short.MinValue and <= short.MaxValue ? (short)replication : throw new FormatException($"Malformed inode record: replication {replication} is out of range"),
            BlockSize = blockSize,
            UnderConstruction = (flags & UnderConstructionFlag) != 0,
            ReopenedForAppend = (flags & ReopenedForAppendFlag) != 0,
            Blocks = blocks,
        };
    }
}
