using System.Text;

namespace JindoMeta.Replication;

/// <summary>
/// One key range of the replica still to be read: dentries from (<see cref="StartParent"/>, <see cref="StartName"/>)
/// inclusive (a null name is the parent's first row) up to, not including, the first row of <see cref="EndParent"/>.
/// </summary>
public sealed class RecoveryRange(long startParent, string? startName, long endParent)
{
    public long StartParent { get; set; } = startParent;
    public string? StartName { get; set; } = startName;
    public long EndParent { get; set; } = endParent;
    public bool Done { get; set; }

    /// <summary>Being read by a worker (not persisted: after a restart nothing is).</summary>
    public bool Active { get; set; }
}

/// <summary>
/// The progress record of a recovery, written by the target in the same batch as the rows each load covers
/// (<see cref="Namespace.Backend.IRecoveryTarget.LoadRows"/>): which replica (its writer's store id and checkpoint),
/// how many rows are loaded, and the ranges with where each stands. A restart resumes every range where its last
/// load ended, so no row is read twice into the count and none is missed.
/// </summary>
public sealed class RecoveryPlan
{
    private const byte Version = 1;

    public RecoveryPlan(string sourceStoreId, long checkpoint, long estimatedRows, long rowsLoaded, List<RecoveryRange> ranges)
    {
        SourceStoreId = sourceStoreId;
        Checkpoint = checkpoint;
        EstimatedRows = estimatedRows;
        RowsLoaded = rowsLoaded;
        Ranges = ranges;
    }

    public string SourceStoreId { get; }
    public long Checkpoint { get; }
    public long EstimatedRows { get; }
    public long RowsLoaded { get; set; }
    public List<RecoveryRange> Ranges { get; }

    /// <summary>The dentries' parent ids [0, <paramref name="endParent"/>) cut into <paramref name="count"/> equal ranges.</summary>
    public static List<RecoveryRange> Split(long endParent, int count)
    {
        var ranges = new List<RecoveryRange>(count);
        var step = Math.Max(1, endParent / count);
        for (long start = 0; start < endParent; start += step)
        {
            ranges.Add(new RecoveryRange(start, null, Math.Min(endParent, start + step)));
        }

        ranges[^1].EndParent = endParent;
        return ranges;
    }

    public byte[] Encode()
    {
        using var buffer = new MemoryStream(64 + (Ranges.Count * 32));
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Version);
            writer.Write(SourceStoreId);
            writer.Write(Checkpoint);
            writer.Write(EstimatedRows);
            writer.Write(RowsLoaded);
            writer.Write(Ranges.Count);
            foreach (var range in Ranges)
            {
                writer.Write(range.StartParent);
                writer.Write(range.StartName is not null);
                writer.Write(range.StartName ?? "");
                writer.Write(range.EndParent);
                writer.Write(range.Done);
            }
        }

        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The record is damaged or of another version.</exception>
    public static RecoveryPlan Decode(byte[] record)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(record), Encoding.UTF8);
            if (reader.ReadByte() != Version)
            {
                throw new InvalidDataException("The recovery progress record has an unknown version: this store was being recovered by another JindoMeta version.");
            }

            var source = reader.ReadString();
            var checkpoint = reader.ReadInt64();
            var estimated = reader.ReadInt64();
            var loaded = reader.ReadInt64();
            var count = reader.ReadInt32();
            var ranges = new List<RecoveryRange>(count);
            for (var i = 0; i < count; i++)
            {
                var start = reader.ReadInt64();
                var hasName = reader.ReadBoolean();
                var name = reader.ReadString();
                ranges.Add(new RecoveryRange(start, hasName ? name : null, reader.ReadInt64()) { Done = reader.ReadBoolean() });
            }

            return new RecoveryPlan(source, checkpoint, estimated, loaded, ranges);
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The recovery progress record is truncated.", e);
        }
    }
}
