using System.Text;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>Records applied payloads in order (thread-safe reads of a snapshot copy); snapshots are the list itself.</summary>
internal sealed class RecordingStateMachine : IRaftStateMachine
{
    private readonly Lock _lock = new();
    private readonly List<string> _applied = [];
    private int _restores;

    public ulong AppliedIndex { get; private set; }

    /// <summary>Snapshots installed (a follower caught up by snapshot rather than by log entries).</summary>
    public int Restores => Volatile.Read(ref _restores);

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _applied.Count;
            }
        }
    }

    public List<string> Applied()
    {
        lock (_lock)
        {
            return [.. _applied];
        }
    }

    public object? Apply(Entry entry)
    {
        lock (_lock)
        {
            _applied.Add(Encoding.UTF8.GetString(entry.Data));
        }

        AppliedIndex = entry.Index;
        return null;
    }

    public void WriteSnapshot(Stream destination)
    {
        lock (_lock)
        {
            destination.Write(Encoding.UTF8.GetBytes(string.Join('\n', _applied)));
        }
    }

    public void Restore(Snapshot snapshot)
    {
        lock (_lock)
        {
            _applied.Clear();
            _applied.AddRange(Encoding.UTF8.GetString(snapshot.Data.ReadAll()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }

        AppliedIndex = snapshot.Index;
        Interlocked.Increment(ref _restores);
    }
}
