namespace JindoMeta.Raft;

/// <summary>A bounded ring of the last index of each append message sent to one follower and not yet acknowledged;
/// limits how far the leader pipelines ahead of a follower.</summary>
internal sealed class Inflights
{
    private readonly ulong[] _lastIndexes;
    private int _start;

    public Inflights(int capacity) => _lastIndexes = new ulong[capacity];

    public int Count { get; private set; }

    public bool IsFull => Count == _lastIndexes.Length;

    public void Add(ulong lastIndex)
    {
        if (IsFull)
        {
            throw new InvalidOperationException("Cannot add to a full inflight window; check IsFull first.");
        }

        _lastIndexes[(_start + Count) % _lastIndexes.Length] = lastIndex;
        Count++;
    }

    /// <summary>Frees every message whose last index is at most <paramref name="index"/> (acknowledged).</summary>
    public void FreeLessOrEqual(ulong index)
    {
        while (Count > 0 && _lastIndexes[_start] <= index)
        {
            _start = (_start + 1) % _lastIndexes.Length;
            Count--;
        }
    }

    public void Reset()
    {
        _start = 0;
        Count = 0;
    }
}
