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

    public string PathOf(string name) => _root.Sub(name);

    /// <summary>Opens (or reopens) the machine called <paramref name="name"/>; disposed with the fixture unless closed first.</summary>
    public NamespaceStateMachine Open(string name, RetryCacheLimits? retryCache = null)
    {
        var options = new NamespaceStateMachineOptions { Directory = PathOf(name), RetryCache = retryCache ?? RetryCacheLimits.Default };
        var machine = NamespaceStateMachine.Open(options, PermissionSettings.Default);
        _open.Add(machine);
        return machine;
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
