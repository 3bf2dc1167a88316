using System.Globalization;
using JindoMeta.TableStore;

namespace JindoMeta.Backend.Ots;

/// <summary>
/// The lease row: who is active (<c>epoch</c>, <c>holder</c>, <c>beat</c> moved by every write of the active) and the
/// commit log (<c>committed</c>, <c>applied</c>, and <c>e{seq}</c> per committed entry not yet known applied).
/// </summary>
/// <remarks>
/// Why the log lives here: a command's effects span partitions (a rename across parents), and Tablestore makes only
/// one row, or one partition's transaction, atomic. So a commit is one conditional UpdateRow of this row: it adds the
/// entry (every row the command group changes) and is conditioned on the epoch, which both makes the group durable
/// all at once and fences a deposed active (its condition fails). The data rows are written afterwards, each
/// conditioned on its stored index being no newer, so replaying an entry (a new active after a crash) or a late write
/// (a deposed active's, sent before it knew) never brings back an older image; deletions stay as tombstones for
/// that reason. A local transaction would need three calls per commit and would lock the partition for up to a
/// minute when its holder dies mid-way, which is a failover stalled for that long.
/// </remarks>
public sealed record LeaseRow(long Epoch, string Holder, long Beat, long Committed, long Applied, IReadOnlyDictionary<long, ColumnValue> Entries)
{
    public const string EpochColumn = "epoch";
    public const string HolderColumn = "holder";
    public const string BeatColumn = "beat";
    public const string CommittedColumn = "committed";
    public const string AppliedColumn = "applied";
    private const string EntryPrefix = "e";

    public static string EntryColumn(long seq) => EntryPrefix + seq.ToString(CultureInfo.InvariantCulture);

    /// <summary>The new table's lease: epoch 0, held by nobody, nothing committed.</summary>
    public static IReadOnlyList<Column> Initial { get; } =
    [
        new(EpochColumn, 0L), new(HolderColumn, ""), new(BeatColumn, 0L), new(CommittedColumn, 0L), new(AppliedColumn, 0L),
    ];

    /// <exception cref="InvalidDataException">The row is not a lease JindoMeta writes.</exception>
    public static LeaseRow Parse(Row row)
    {
        long Integer(string name) => row.GetColumn(name)?.Value is { Type: ColumnValueType.Integer } value
            ? value.AsInteger()
            : throw new InvalidDataException($"The lease row of the ots table has no integer '{name}' column: it is not one JindoMeta writes");

        var holder = row.GetColumn(HolderColumn)?.Value is { Type: ColumnValueType.String } text ? text.AsString() : "";
        var entries = new SortedDictionary<long, ColumnValue>();
        foreach (var column in row.Columns)
        {
            if (column.Name.StartsWith(EntryPrefix, StringComparison.Ordinal) &&
                long.TryParse(column.Name.AsSpan(EntryPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var seq))
            {
                entries[seq] = column.Value;
            }
        }

        return new LeaseRow(Integer(EpochColumn), holder, Integer(BeatColumn), Integer(CommittedColumn), Integer(AppliedColumn), entries);
    }

    /// <summary>The condition of every write of the active of <paramref name="epoch"/>.</summary>
    public static RowCondition HeldAt(long epoch) =>
        new(RowExistence.ExpectExist, new SingleColumnCondition(EpochColumn, ComparisonOperator.Equal, epoch, PassIfMissing: false));

    /// <summary>The condition of a takeover: nobody moved the lease since it was read.</summary>
    public RowCondition Unchanged() => new(RowExistence.ExpectExist, new CompositeCondition(LogicalCombinator.And,
        new SingleColumnCondition(EpochColumn, ComparisonOperator.Equal, Epoch, PassIfMissing: false),
        new SingleColumnCondition(BeatColumn, ComparisonOperator.Equal, Beat, PassIfMissing: false)));
}
