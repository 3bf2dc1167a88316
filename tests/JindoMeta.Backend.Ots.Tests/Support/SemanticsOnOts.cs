using System.Runtime.CompilerServices;
using JindoMeta.Namespace.Tests.Support;

namespace JindoMeta.Backend.Ots.Tests.Support;

/// <summary>Points the linked semantic tests (JindoMeta.Namespace.Tests/Semantics) at the ots backend: each test gets a
/// namespace (a table) of its own in the shared emulator, and "changed nothing" compares every data row of the table.</summary>
internal static class SemanticsOnOts
{
    [ModuleInitializer]
    internal static void UseOtsBackend()
    {
        NamespaceHarness.BackendFactory = (permissions, clock) => OtsTestTables.Open(OtsTestTables.Options(OtsTestTables.NewNamespace()), permissions, clock);
        NamespaceHarness.DumpRows = backend => OtsTestTables.DumpRows((OtsNamespaceBackend)backend);
        // The semantic tests wait synchronously on the backend while its writer and the emulator need pool threads.
        ThreadPool.GetMinThreads(out var workers, out var io);
        ThreadPool.SetMinThreads(Math.Max(workers, 64), io);
    }
}
