using System.Globalization;
using JindoMeta.Namespace.Schema;
using JindoMeta.TableStore;
using LocalRow = JindoMeta.Namespace.Schema.RowChange;

namespace JindoMeta.Backend.Ots;

/// <summary>
/// One commit of the log: the rows a group of commands changed, as a change-feed entry
/// (<see cref="ChangeFeedCodec"/>). Small entries travel inside the commit itself (a binary <c>e{seq}</c> column);
/// larger ones are written first as piece rows, inert until a commit names them (<c>e{seq}</c> = "epoch:pieces").
/// </summary>
internal sealed record CommittedEntry(long Seq, IReadOnlyList<LocalRow> Rows, long PieceEpoch, int Pieces)
{
    /// <summary>Entries above this many bytes go to piece rows (a commit request must stay under 4 MB).</summary>
    public const int MaxInlineBytes = 1536 * 1024;

    public const int PieceBytes = 1536 * 1024;

    public static ColumnValue PieceReference(long epoch, int pieces) =>
        ColumnValue.String(string.Create(CultureInfo.InvariantCulture, $"{epoch}:{pieces}"));

    /// <summary>Reads an entry back from its lease column (and its pieces).</summary>
    /// <exception cref="InvalidDataException">The column or a piece is not one JindoMeta writes, or a piece is missing.</exception>
    public static async Task<CommittedEntry> ReadAsync(TableStoreClient client, string table, long seq, ColumnValue column, CancellationToken cancellationToken)
    {
        if (column.Type == ColumnValueType.Binary)
        {
            return new CommittedEntry(seq, Decode(seq, column.AsBinary()), 0, 0);
        }

        var parts = column.Type == ColumnValueType.String ? column.AsString().Split(':') : [];
        if (parts.Length != 2 || !long.TryParse(parts[0], CultureInfo.InvariantCulture, out var epoch) ||
            !int.TryParse(parts[1], CultureInfo.InvariantCulture, out var pieces) || pieces <= 0)
        {
            throw new InvalidDataException($"The lease row's entry {seq} is neither an entry nor a piece reference: the table is damaged");
        }

        using var payload = new MemoryStream();
        for (var i = 0; i < pieces; i++)
        {
            var row = (await client.GetRowAsync(table, OtsTable.PieceKey(epoch, seq, i), cancellationToken: cancellationToken).ConfigureAwait(false)).Row;
            if (row?.GetColumn(Replication.ReplicaTable.ValueColumn)?.Value is not { Type: ColumnValueType.Binary } piece)
            {
                throw new InvalidDataException($"Piece {i} of committed entry {seq} is missing from the ots table: the table is damaged");
            }

            payload.Write(piece.AsBinary());
        }

        return new CommittedEntry(seq, Decode(seq, payload.ToArray()), epoch, pieces);
    }

    private static IReadOnlyList<LocalRow> Decode(long seq, byte[] payload)
    {
        try
        {
            return ChangeFeedCodec.Decode(seq, payload).Rows;
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"Committed entry {seq} of the ots table does not decode: {e.Message}", e);
        }
    }
}
