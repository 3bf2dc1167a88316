using System.Threading.Channels;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>The messages waiting for one peer, bounded by count and bytes. Full means drop: raft tolerates loss and
/// the core retransmits (heartbeats, probes, chunk re-sends), whereas waiting would stall the driver loop and with it
/// the whole node.</summary>
/// <remarks>Any thread may enqueue (the driver loop, delayed fault deliveries); one sender task dequeues. A lock over
/// a plain queue: enqueue is a few hundred nanoseconds and contention is one producer against one consumer.</remarks>
internal sealed class PeerMessageQueue(int maxMessages, long maxBytes)
{
    private readonly Lock _lock = new();
    private readonly Queue<(Message Message, long Size)> _queue = new();

    // Capacity 1 and drop-on-full: a wake-up signal that coalesces, so a burst of enqueues costs one wake-up.
    private readonly Channel<bool> _signal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite, SingleReader = true });
    private long _bytes;
    private long _dropped;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    public long Bytes => Interlocked.Read(ref _bytes);

    /// <summary>Messages refused because the queue was full, discarded by <see cref="Clear"/>, or reported by
    /// <see cref="CountLost"/>.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues <paramref name="message"/> unless that would exceed a bound; never waits.</summary>
    public bool TryEnqueue(Message message, long size)
    {
        lock (_lock)
        {
            if (_queue.Count >= maxMessages || _bytes + size > maxBytes)
            {
                Interlocked.Increment(ref _dropped);
                return false;
            }

            _queue.Enqueue((message, size));
            _bytes += size;
        }

        _signal.Writer.TryWrite(true);
        return true;
    }

    /// <summary>Moves queued messages into <paramref name="batch"/> until it holds <paramref name="maxBatchBytes"/>
    /// (always at least one message, if any is queued).</summary>
    public void DrainInto(List<Message> batch, long maxBatchBytes)
    {
        long taken = 0;
        lock (_lock)
        {
            while (_queue.TryPeek(out var head) && (batch.Count == 0 || taken + head.Size <= maxBatchBytes))
            {
                _queue.Dequeue();
                _bytes -= head.Size;
                taken += head.Size;
                batch.Add(head.Message);
            }

            if (_queue.Count > 0)
            {
                // More than one batch was waiting: make the next wait return at once.
                _signal.Writer.TryWrite(true);
            }
        }
    }

    /// <summary>Drops everything queued and counts it as dropped (the peer's stream failed: what was queued for it
    /// is stale by the time it is back, and the core re-sends what still matters).</summary>
    public void Clear()
    {
        lock (_lock)
        {
            Interlocked.Add(ref _dropped, _queue.Count);
            _queue.Clear();
            _bytes = 0;
        }
    }

    /// <summary>Counts messages taken by <see cref="DrainInto"/> that were lost because their write failed.</summary>
    public void CountLost(int messages) => Interlocked.Add(ref _dropped, messages);

    /// <summary>Completes when something may be queued (spurious wake-ups are possible: drain and check).</summary>
    public ValueTask<bool> WaitAsync(CancellationToken cancellationToken) => _signal.Reader.WaitToReadAsync(cancellationToken);

    /// <summary>Consumes the pending wake-up before a drain, so the next wait sleeps until a new enqueue.</summary>
    public void ResetSignal() => _signal.Reader.TryRead(out _);
}
