namespace JindoMeta.Raft;

/// <summary>Leader-side bookkeeping of ReadIndex requests waiting for a heartbeat round to confirm leadership.</summary>
/// <remarks>Each request gets a leader-local sequence number carried in heartbeat contexts, so request ids chosen
/// by different followers can never collide. Sequence numbers keep growing across terms, so a late heartbeat
/// response from an earlier term can never acknowledge a newer request.</remarks>
internal sealed class ReadIndexTracker
{
    private readonly Dictionary<ulong, PendingRead> _pending = [];
    private readonly Queue<ulong> _order = new();
    private ulong _nextSequence = 1;

    public int Count => _pending.Count;

    public ulong LastSequence => _order.Count == 0 ? 0 : _lastAdded;

    private ulong _lastAdded;

    public ulong Add(ulong readIndex, ulong requester, ulong requestId)
    {
        var sequence = _nextSequence++;
        _pending[sequence] = new PendingRead(readIndex, requester, requestId);
        _order.Enqueue(sequence);
        _lastAdded = sequence;
        return sequence;
    }

    /// <summary>Records that <paramref name="voter"/> confirmed the leadership round <paramref name="sequence"/>.</summary>
    /// <returns>The number of distinct acknowledgements, or 0 if the sequence is unknown.</returns>
    public int Acknowledge(ulong sequence, ulong voter)
    {
        if (!_pending.TryGetValue(sequence, out var read))
        {
            return 0;
        }

        read.Acks.Add(voter);
        return read.Acks.Count;
    }

    /// <summary>Releases <paramref name="sequence"/> and every request queued before it (a heartbeat round confirming
    /// a later request also confirms leadership for the earlier ones).</summary>
    public void Release(ulong sequence, List<PendingRead> released)
    {
        if (!_pending.ContainsKey(sequence))
        {
            return;
        }

        while (_order.Count > 0)
        {
            var next = _order.Dequeue();
            if (_pending.Remove(next, out var read))
            {
                released.Add(read);
            }

            if (next == sequence)
            {
                break;
            }
        }
    }

    public void Clear()
    {
        _pending.Clear();
        _order.Clear();
    }

    internal sealed class PendingRead(ulong readIndex, ulong requester, ulong requestId)
    {
        public ulong ReadIndex { get; } = readIndex;

        public ulong Requester { get; } = requester;

        public ulong RequestId { get; } = requestId;

        public HashSet<ulong> Acks { get; } = [];
    }
}
