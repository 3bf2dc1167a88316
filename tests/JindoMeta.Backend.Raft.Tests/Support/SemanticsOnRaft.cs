using System.Runtime.CompilerServices;
using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Tests.Support;

namespace JindoMeta.Backend.Raft.Tests.Support;

/// <summary>Points the linked semantic tests (JindoMeta.Namespace.Tests/Semantics) at a three-node in-process raft
/// cluster: each test gets its own, and "changed nothing" compares the state every replica agrees on.</summary>
internal static class SemanticsOnRaft
{
    [ModuleInitializer]
    internal static void UseRaftCluster()
    {
        NamespaceHarness.BackendFactory = (permissions, clock) => new InProcessRaftNamespace(permissions, clock);
        NamespaceHarness.RootFormatTime = NamespaceStateMachine.FormatTimestampMs;
        // The semantic tests wait synchronously on the backend while the drivers' loops need pool threads: without
        // headroom the pool starves and elections stall for seconds.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
        NamespaceHarness.DumpRows = backend => ((InProcessRaftNamespace)backend).ReplicatedStateChecksum();
    }
}
