using System.Collections.Concurrent;
using System.Diagnostics;
using JindoMeta.Backend.Ots.Tests.Support;
using JindoMeta.Namespace.Errors;
using JindoMeta.TableStore.Emulator;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Ots.Tests.Integration;

/// <summary>
/// The ots backend on a Tablestore that answers busy, times out and drops connections (an emulator of this class's
/// own): every create and rename it acknowledged is in the table exactly once, as a new server reading the table
/// with no cache sees it, and what it did not acknowledge is there at most once.
/// </summary>
public sealed class OtsFaultTests(PrivateEmulator tables, ITestOutputHelper output) : IClassFixture<PrivateEmulator>
{
    private const int Callers = 16;
    private const int FilesPerCaller = 120;
    private const int Directories = 4;
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    /// <summary>The only failures a fault may cause: the command may or may not have been committed.</summary>
    private static readonly ErrorCode[] FaultOutcomes = [ErrorCode.Unavailable, ErrorCode.OutcomeUnknown, ErrorCode.NotLeader];

    [Fact]
    public async Task Under_busy_timeout_and_dropped_connection_faults_every_acknowledged_create_and_rename_is_in_the_table_exactly_once()
    {
        var namespaceName = OtsTestTables.NewNamespace();
        var first = OtsTestTables.Open(tables.Options(namespaceName, "127.0.0.1:1", Lease), OtsCalls.Permissions, TimeProvider.System);
        for (var d = 0; d < Directories; d++)
        {
            await first.OkAsync(OtsCalls.Mkdirs($"/d{d}"));
        }

        var fates = new ConcurrentBag<FileFate>();
        var failures = new ConcurrentDictionary<ErrorCode, int>();
        var faultsBefore = tables.Emulator.FaultsInjected;
        var clock = Stopwatch.StartNew();
        tables.Emulator.Faults = new FaultOptions { ServerBusyRate = 0.2, TimeoutRate = 0.05, DropConnectionRate = 0.05 };
        try
        {
            await Task.WhenAll(Enumerable.Range(0, Callers).Select(caller => Task.Run(() => RunCallerAsync(first, caller, fates, failures))));
        }
        finally
        {
            tables.Emulator.Faults = FaultOptions.None;
        }

        var faults = tables.Emulator.FaultsInjected - faultsBefore;
        var workload = clock.Elapsed;
        var acknowledged = fates.Count(f => f.Acknowledged);
        output.WriteLine($"{fates.Count} files, {acknowledged} with every call acknowledged, in {workload.TotalSeconds:F1} s under {faults} injected faults; " +
            $"failures: {string.Join(", ", failures.Select(f => $"{f.Key} x{f.Value}"))}");
        // Groups of commands share their calls, so the count is modest; each fault still sends a call down a retry path.
        Assert.True(faults >= 40, $"only {faults} faults were injected: the run did not test much");
        Assert.True(acknowledged >= fates.Count / 2, $"only {acknowledged} of {fates.Count} files had every call acknowledged");

        await first.DisposeAsync();
        await using var second = OtsTestTables.Open(tables.Options(namespaceName, "127.0.0.1:2", Lease), OtsCalls.Permissions, TimeProvider.System);
        await AssertEveryFateHeldAsync(second, fates.ToList());
    }

    /// <summary>One caller: creates its files round the directories, and renames every third one into the next directory.</summary>
    private static async Task RunCallerAsync(OtsNamespaceBackend backend, int caller, ConcurrentBag<FileFate> fates, ConcurrentDictionary<ErrorCode, int> failures)
    {
        for (var i = 0; i < FilesPerCaller; i++)
        {
            var directory = (caller + i) % Directories;
            var path = $"/d{directory}/c{caller:D2}-{i:D2}";
            var created = await backend.SubmitAsync(OtsCalls.CreateFile(path));
            if (!created.IsOk)
            {
                Record(failures, created.Error!, path);
                fates.Add(new FileFate([path], MustExist: false, Acknowledged: false));
                continue;
            }

            if (i % 3 != 0)
            {
                fates.Add(new FileFate([path], MustExist: true, Acknowledged: true));
                continue;
            }

            var moved = $"/d{(directory + 1) % Directories}/c{caller:D2}-{i:D2}-moved";
            var renamed = await backend.SubmitAsync(OtsCalls.Rename(path, moved));
            if (renamed.IsOk)
            {
                fates.Add(new FileFate([moved], MustExist: true, Acknowledged: true));
            }
            else
            {
                Record(failures, renamed.Error!, path);
                fates.Add(new FileFate([path, moved], MustExist: true, Acknowledged: false));
            }
        }
    }

    private static void Record(ConcurrentDictionary<ErrorCode, int> failures, NamespaceError error, string path)
    {
        Assert.True(FaultOutcomes.Contains(error.Code), $"{path}: a fault may only make the outcome unknown, got {error}");
        failures.AddOrUpdate(error.Code, 1, (_, count) => count + 1);
    }

    /// <summary>Each directory lists every name once; each file is where its fate allows, and stat agrees with the listing.</summary>
    private static async Task AssertEveryFateHeldAsync(OtsNamespaceBackend backend, List<FileFate> fates)
    {
        var listed = new HashSet<string>(StringComparer.Ordinal);
        for (var d = 0; d < Directories; d++)
        {
            var names = await backend.ListNamesAsync($"/d{d}", pageSize: 50);
            Assert.True(names.Count == names.Distinct().Count(), $"/d{d} lists a name twice: {string.Join(", ", names.GroupBy(n => n).Where(g => g.Count() > 1).Select(g => g.Key))}");
            listed.UnionWith(names.Select(name => $"/d{d}/{name}"));
        }

        var possible = fates.SelectMany(f => f.Paths).ToHashSet(StringComparer.Ordinal);
        Assert.DoesNotContain(listed, path => !possible.Contains(path));
        foreach (var fate in fates)
        {
            var present = fate.Paths.Where(listed.Contains).ToList();
            if (fate.MustExist)
            {
                Assert.True(present.Count == 1, $"{string.Join(" or ", fate.Paths)} should be there exactly once, found at [{string.Join(", ", present)}]");
            }
            else
            {
                Assert.True(present.Count <= 1, $"{fate.Paths[0]} is there twice");
            }

            foreach (var path in fate.Paths)
            {
                Assert.True(await backend.ExistsAsync(path) == listed.Contains(path), $"stat of {path} disagrees with its directory's listing");
            }
        }
    }

    /// <summary>Where a file may be afterwards: exactly one of <paramref name="Paths"/>, or (not <paramref name="MustExist"/>) none.</summary>
    private sealed record FileFate(IReadOnlyList<string> Paths, bool MustExist, bool Acknowledged);
}
