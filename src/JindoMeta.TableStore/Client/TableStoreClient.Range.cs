using System.Runtime.CompilerServices;
using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore;

public sealed partial class TableStoreClient
{
    /// <summary>One GetRange request: at most <see cref="RangeQuery.Limit"/> (and the service's 5000) rows.</summary>
    public async Task<RangePage> GetRangePageAsync(RangeQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        var options = query.Options;
        var request = new GetRangeRequest
        {
            TableName = query.Table,
            Direction = (Protocol.Direction)query.Direction,
            InclusiveStartPrimaryKey = Bytes(PlainBufferWriter.EncodeKey(query.InclusiveStart)),
            ExclusiveEndPrimaryKey = Bytes(PlainBufferWriter.EncodeKey(query.ExclusiveEnd)),
        };
        request.ColumnsToGet.Add(options.ColumnsToGet);
        if (options.TimeRange is { } range)
        {
            request.TimeRange = new TimeRange { StartTime = range.Start, EndTime = range.End };
        }
        if (options.MaxVersions is not null || options.TimeRange is null)
        {
            request.MaxVersions = options.MaxVersions ?? 1;
        }
        if (query.Limit is { } limit)
        {
            request.Limit = limit;
        }
        if (options.Filter is { } filter)
        {
            request.Filter = ProtocolMapper.EncodeFilter(filter);
        }
        if (options.TransactionId is { } transaction)
        {
            request.TransactionId = transaction;
        }
        var reply = await CallAsync("GetRange", request, GetRangeResponse.Parser, cancellationToken).ConfigureAwait(false);
        try
        {
            var rows = PlainBufferReader.ReadRows(reply.Rows.Span).Select(r => r.ToRow()).ToArray();
            PrimaryKey? next = reply.HasNextStartPrimaryKey && !reply.NextStartPrimaryKey.IsEmpty
                ? PlainBufferReader.ReadSingleRow(reply.NextStartPrimaryKey.Span).Key
                : null;
            return new RangePage(rows, next, ProtocolMapper.FromConsumed(reply.Consumed));
        }
        catch (PlainBufferException e)
        {
            throw new TableStoreException("GetRange", TableStoreErrorCodes.ClientInvalidResponse, "bad rows in the reply: " + e.Message, null, 200, e);
        }
    }

    /// <summary>Every row of the range, following <c>next_start_primary_key</c> until the service says it is done.</summary>
    public async IAsyncEnumerable<Row> GetRangeAsync(RangeQuery query, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var current = query;
        while (true)
        {
            var page = await GetRangePageAsync(current, cancellationToken).ConfigureAwait(false);
            foreach (var row in page.Rows)
            {
                yield return row;
            }
            if (page.NextStart is null)
            {
                yield break;
            }
            current = current with { InclusiveStart = page.NextStart };
        }
    }
}
