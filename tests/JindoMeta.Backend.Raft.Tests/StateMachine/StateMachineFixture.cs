using JindoMeta.Backend.Raft.Snapshots;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

/// <summary>Namespace state machines in directories of one temporary root, for the state machine tests.</summary>
internal sealed class StateMachineFixture : IDisposable
{
    private readonly TempDirectory _root = new("jindometa-sm");
    private readonly List<NamespaceStateMachine> _open = [];
    private SnapshotFileStore? _snapshots;

    public string PathOf(string name) => _root.Sub(name);

    /// <summary>Opens (or reopens) the machine called <paramref name="name"/>; disposed with the fixture unless closed first.</summary>
    public NamespaceStateMachine Open(string name, RetryCacheLimits? retryCache = null)
    {
        var options = new NamespaceStateMachineOptions { Directory = PathOf(name), RetryCache = retryCache ?? RetryCacheLimits.Default };
        var machine = NamespaceStateMachine.Open(options, PermissionSettings.Default);
        _open.Add(machine);
        return machine;
    }

    /// <summary>Where <see cref="TakeSnapshot"/> writes snapshot files.</summary>
    public SnapshotFileStore Snapshots => _snapshots ??= new SnapshotFileStore(_root.Sub("snapshots"));

    /// <summary>A snapshot of <paramref name="machine"/> written to a file, as the driver takes one.</summary>
    public Snapshot TakeSnapshot(NamespaceStateMachine machine, ulong index, ulong term = 1)
    {
        var metadata = new SnapshotMetadata(index, term, [1, 2, 3]);
        return new Snapshot(metadata, Snapshots.Write(metadata, machine.WriteSnapshot));
    }

    public static void ApplyAll(NamespaceStateMachine machine, IEnumerable<Entry> entries)
    {
        foreach (var entry in entries)
        {
            machine.Apply(entry);
        }
    }

    public void Dispose()
    {
        foreach (var machine in _open)
        {
            machine.Dispose();
        }

        _root.Dispose();
    }
}
