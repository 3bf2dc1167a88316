using System.Globalization;
using JindoMeta.Backend.RocksDb.Tests.Support;

namespace JindoMeta.Backend.RocksDb.Tests.Crash;

/// <summary>
/// The process the crash test kills: opens the store, prints "ready", then runs every worker's sequence
/// concurrently and prints "ack WORKER SEQUENCE" after each acknowledged operation.
/// </summary>
public static class CrashChild
{
    public const string Verb = "crash-child";

    public static int Run(string[] args)
    {
        var directory = args[0];
        var round = int.Parse(args[1], CultureInfo.InvariantCulture);
        var workers = int.Parse(args[2], CultureInfo.InvariantCulture);
        var output = Console.Out;
        var backend = BackendHarness.Open(directory);
        for (var worker = 0; worker < workers; worker++)
        {
            backend.MkdirsAsync(CrashWorkload.WorkerDirectory(round, worker)).GetAwaiter().GetResult();
        }

        output.WriteLine("ready");
        var deadline = DateTime.UtcNow.AddSeconds(30); // never outlive a parent that died
        var tasks = Enumerable.Range(0, workers).Select(worker => Task.Run(async () =>
        {
            var home = CrashWorkload.WorkerDirectory(round, worker);
            for (var sequence = 0; DateTime.UtcNow < deadline; sequence++)
            {
                var result = await backend.SubmitAsync(CrashWorkload.Operation(home, sequence)).ConfigureAwait(false);
                if (!result.IsOk)
                {
                    lock (output)
                    {
                        output.WriteLine($"failed {worker} {sequence} {result.Error}");
                    }

                    Environment.Exit(3);
                }

                lock (output)
                {
                    output.WriteLine($"ack {worker} {sequence}");
                }
            }
        })).ToArray();
        Task.WaitAll(tasks);
        return 0;
    }
}
