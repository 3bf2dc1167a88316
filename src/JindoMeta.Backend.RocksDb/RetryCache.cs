using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.RocksDb;

namespace JindoMeta.Backend.RocksDb;

/// <summary>
/// The retry cache (HDFS's RetryCache is the model): the outcome of each recent call, by client id + call id, kept in
/// the <c>retries</c> table of the namespace store so that it is written in the same batch as the call's effects, is
/// part of snapshots and checksums, and is identical on every raft node. A writer asks <see cref="TryFind"/> before
/// executing a call: a duplicate gets the stored outcome and changes nothing. Otherwise it executes the call and
/// <see cref="Record"/>s the outcome (success with the resulting status, or the error), which also sweeps.
/// </summary>
/// <remarks>
/// <para><b>Deterministic expiry:</b> every decision uses the command's time (the raft leader's stamp, or the rocksdb
/// writer's clock), never the applying node's clock: an outcome older than <see cref="RetryCacheLimits.Window"/> is
/// treated as absent, and each <see cref="Record"/> removes at most <see cref="RetryCacheLimits.SweepPerCall"/> of
/// the oldest entries that are expired or beyond <see cref="RetryCacheLimits.MaxEntries"/>, found through the
/// time-ordered expiry rows.</para>
/// <para><b>Rows staged but not yet written:</b> a writer that stages several calls before writing (the rocksdb
/// group commit, two groups in flight) must see its own staged rows; the cache keeps them in a pending map until
/// the writer reports them durable (<see cref="Written"/> with the mark taken when the batch was complete). The
/// raft state machine writes every entry before the next, and calls <see cref="Written"/> after each write.</para>
/// <para>Not thread-safe: owned by the store's one writer.</para>
/// </remarks>
public sealed class RetryCache(RetryCacheLimits limits)
{
    private static readonly byte[] ExpiryLowerBound = [RetryCacheCodec.ExpiryPrefix];
    private static readonly byte[] ExpiryUpperBound = [RetryCacheCodec.ExpiryPrefix + 1];

    private readonly Dictionary<byte[], PendingRow> _pending = new(ByteArrayComparer.Instance);
    private PendingRow? _pendingCount;
    private long _sequence;

    // The last expiry row the sweep deleted: everything before it is gone, so the next sweep starts there instead of
    // walking the deleted rows' tombstones again (at the entry cap every call deletes one: a walk from the start was
    // quadratic, and stalled a 500k-call build to ~100 calls/s). Command times only grow (the raft leader stamps
    // max(now, last)), so no live row sorts before it; every node sweeps the same rows whatever its cursor.
    private byte[]? _sweptThrough;

    public RetryCacheLimits Limits { get; } = limits;

    /// <summary>The outcome stored for <paramref name="call"/> at time <paramref name="nowMs"/>, if one is still remembered.</summary>
    /// <exception cref="InvalidDataException">The stored row is damaged.</exception>
    public bool TryFind(NamespaceStore store, ClientCallId call, long nowMs, out Result<FileStatus?> outcome)
    {
        outcome = default;
        if (call.IsNone || Read(store, RetryCacheCodec.CallKey(call)) is not { } value)
        {
            return false;
        }

        var (timestamp, stored) = Decode(store, value, call);
        if (IsExpired(timestamp, nowMs))
        {
            return false;
        }

        outcome = stored;
        return true;
    }

    /// <summary>
    /// Stages <paramref name="call"/>'s outcome (replacing an expired one of the same ids) and the bounded sweep in
    /// <paramref name="batch"/>.
    /// </summary>
    public void Record(NamespaceStore store, WriteBatch batch, ClientCallId call, long timestampMs, Result<FileStatus?> outcome)
    {
        ArgumentOutOfRangeException.ThrowIfEqual(call.IsNone, true, nameof(call));
        var callKey = RetryCacheCodec.CallKey(call);
        var count = Count(store);
        if (Read(store, callKey) is { } previous)
        {
            Delete(store, batch, RetryCacheCodec.ExpiryKey(Decode(store, previous, call).TimestampMs, call));
        }
        else
        {
            count++;
        }

        Put(store, batch, callKey, RetryCacheCodec.EncodeValue(timestampMs, outcome));
        Put(store, batch, RetryCacheCodec.ExpiryKey(timestampMs, call), []);
        count = Sweep(store, batch, timestampMs, count);
        SetCount(store, batch, count);
    }

    /// <summary>A mark for everything staged so far; pass it to <see cref="Written"/> once that batch is durable.</summary>
    public long Mark() => _sequence;

    /// <summary>Forgets pending rows staged up to <paramref name="mark"/>: the store now holds them.</summary>
    public void Written(long mark)
    {
        if (_pending.Count > 0)
        {
            foreach (var (key, row) in _pending)
            {
                if (row.Sequence <= mark)
                {
                    _pending.Remove(key);
                }
            }
        }

        if (_pendingCount is { } count && count.Sequence <= mark)
        {
            _pendingCount = null;
        }
    }

    /// <summary>Forgets every pending row: the batch holding them is about to be written (raft, after each entry).</summary>
    public void Clear()
    {
        _pending.Clear();
        _pendingCount = null;
    }

    /// <summary>Forgets everything, the sweep's place included: the batch was abandoned, or the store replaced.</summary>
    public void Reset()
    {
        Clear();
        _sweptThrough = null;
    }

    /// <summary>How many call outcomes the store holds (including pending ones).</summary>
    public long Count(NamespaceStore store) =>
        _pendingCount is { } pending
            ? NamespaceSchema.ReadInt64Value(pending.Value, "retry-cache-entries")
            : store.ReadInt64(NamespaceSchema.MetaKeys.RetryCacheEntries) ?? 0;

    private bool IsExpired(long timestampMs, long nowMs) => nowMs - timestampMs >= Limits.WindowMs;

    private long Sweep(NamespaceStore store, WriteBatch batch, long nowMs, long count)
    {
        var removed = 0;
        var from = _sweptThrough ?? ExpiryLowerBound;
        using var iterator = store.Database.NewIterator(store.Retries, from, ExpiryUpperBound);
        for (iterator.Seek(from); iterator.Valid && removed < Limits.SweepPerCall; iterator.Next())
        {
            var key = iterator.Key.ToArray();
            if (_pending.TryGetValue(key, out var pending) && pending.Value is null)
            {
                continue; // removed by a batch not yet written
            }

            var (timestamp, call) = RetryCacheCodec.ParseExpiryKey(key);
            if (!IsExpired(timestamp, nowMs) && count <= Limits.MaxEntries)
            {
                break; // time order: everything after is newer
            }

            Delete(store, batch, key);
            Delete(store, batch, RetryCacheCodec.CallKey(call));
            _sweptThrough = key;
            count--;
            removed++;
        }

        return count;
    }

    private byte[]? Read(NamespaceStore store, byte[] key) =>
        _pending.TryGetValue(key, out var pending) ? pending.Value : store.Database.Get(store.Retries, key);

    private static (long TimestampMs, Result<FileStatus?> Outcome) Decode(NamespaceStore store, byte[] value, ClientCallId call)
    {
        try
        {
            return RetryCacheCodec.DecodeValue(value);
        }
        catch (FormatException e)
        {
            throw new InvalidDataException($"The retry-cache entry of call {call} in {store.Path} is damaged: {e.Message}", e);
        }
    }

    private void Put(NamespaceStore store, WriteBatch batch, byte[] key, byte[] value)
    {
        batch.Put(store.Retries, key, value);
        _pending[key] = new PendingRow(value, ++_sequence);
    }

    private void Delete(NamespaceStore store, WriteBatch batch, byte[] key)
    {
        batch.Delete(store.Retries, key);
        _pending[key] = new PendingRow(null, ++_sequence);
    }

    private void SetCount(NamespaceStore store, WriteBatch batch, long count)
    {
        var value = NamespaceSchema.Int64Value(count);
        batch.Put(store.Meta, NamespaceSchema.MetaKeys.RetryCacheEntries, value);
        _pendingCount = new PendingRow(value, ++_sequence);
    }

    private sealed record PendingRow(byte[]? Value, long Sequence);

    private sealed class ByteArrayComparer : IEqualityComparer<byte[]>
    {
        public static ByteArrayComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj)
        {
            var hash = new HashCode();
            hash.AddBytes(obj);
            return hash.ToHashCode();
        }
    }
}
