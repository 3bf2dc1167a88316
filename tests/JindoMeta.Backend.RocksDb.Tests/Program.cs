using JindoMeta.Backend.RocksDb.Tests.Crash;

namespace JindoMeta.Backend.RocksDb.Tests;

/// <summary>
/// The test assembly doubles as the crash test's child process: `dotnet JindoMeta.Backend.RocksDb.Tests.dll
/// crash-child ...` runs the workload until it is killed. Under the test host this Main never runs.
/// </summary>
public static class Program
{
    public static int Main(string[] args) =>
        args.Length > 0 && args[0] == CrashChild.Verb ? CrashChild.Run(args[1..]) : 2;
}
