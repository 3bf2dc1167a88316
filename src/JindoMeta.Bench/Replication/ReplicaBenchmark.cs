using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using JindoMeta.Bench.Load;
using JindoMeta.Bench.Processes;
using JindoMeta.Bench.Replication.Replica;

namespace JindoMeta.Bench.Replication;

/// <summary>
/// `jindometa-bench replica`: issue 10's figures with real processes, the Tablestore emulator (durable, its own data
/// directory) and the jindometa daemon (rocksdb backend) as children of this one, all on loopback:
/// 1. upload on, build the tree (<see cref="TreeBuilder"/>, default the seed's 1,596 directories and 1,482,809 files),
///    then wait for `_synced=1`;
/// 2. SIGTERM that daemon, start a second one on a new, empty data directory in recovery mode, wait for state=FINISH;
/// 3. a fresh emulator and daemon: an open-loop create load at --rate for --seconds (default 30) while upload.lagEntries
///    and upload.lagSeconds are sampled every 100 ms.
/// Each phase reports its wall time and the CPU of the emulator, the daemon and this process (the load generator),
/// read from /proc. `--only build` runs 1 and 2, `--only lag` runs 3. Callers: the largest of --callers (64 by default).
/// </summary>
public static class ReplicaBenchmark
{
    private const string User = "root";
    private const string Emulator = "emulator";
    private const string Daemon = "daemon";
    private const string Bench = "bench";
    private static readonly TimeSpan DefaultLagDuration = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan SampleInterval = TimeSpan.FromMilliseconds(100);

    // A full-scale catch-up or recovery on a slow machine takes minutes; past an hour something is stuck.
    private static readonly TimeSpan WaitLimit = TimeSpan.FromHours(1);

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        if (settings.Only is not (null or "build" or "lag"))
        {
            Console.Error.WriteLine($"--only takes build or lag for the replica suite, not {settings.Only}");
            return 2;
        }

        var callers = settings.Callers.Max();
        var lagDuration = settings.DurationGiven ? settings.Duration : DefaultLagDuration;
        var shape = new TreeShape("/tree", settings.Directories, settings.Files);
        var treePart = settings.Only is "lag" ? "" : string.Create(CultureInfo.InvariantCulture,
            $"tree {shape.Directories:N0} directories / {shape.Files:N0} files ({(settings.CompleteFiles ? "create + complete" : "create only")}), {callers} callers over {settings.Connections} connections; ");
        var loadPart = settings.Only is "build" ? "" : string.Create(CultureInfo.InvariantCulture,
            $"lag load {settings.Rate:N0} creates/s into {shape.Directories:N0} directories for {lagDuration.TotalSeconds:N0} s after {settings.WarmUp.TotalSeconds:N0} s warm-up; ");
        Console.WriteLine($"# replica benchmark: {Environment.ProcessorCount} cores; {treePart}{loadPart}emulator durable (--data-dir); work dir {settings.WorkDirectory}");
        Console.WriteLine("# cpu: user + system seconds of each process over the phase, and % of the phase's wall time (100 = one core)");
        using var work = new WorkDirectory(settings.WorkDirectory);
        var built = settings.Only is null or "build" ? await BuildAndRecoverAsync(settings, shape, callers, work.Path) : null;
        var lag = settings.Only is null or "lag" ? await MeasureLagAsync(settings, callers, lagDuration, work.Path) : null;

        Console.WriteLine();
        Console.WriteLine(PhaseRow.Header([Daemon, Emulator, Bench]));
        foreach (var row in new[] { built?.Build, built?.CatchUp, built?.Recovery, lag?.Phase }.OfType<PhaseRow>())
        {
            Console.WriteLine(row);
        }

        Console.WriteLine();
        foreach (var line in Details(built, lag).Concat(Goals(settings, built, lag)))
        {
            Console.WriteLine(line);
        }

        Console.WriteLine(JsonSerializer.Serialize(new
        {
            suite = "replica",
            cores = Environment.ProcessorCount,
            directories = shape.Directories,
            files = shape.Files,
            callers,
            settings.Connections,
            build = built,
            lag,
        }));
        return 0;
    }

    private static async Task<BuildAndRecovery> BuildAndRecoverAsync(BenchSettings settings, TreeShape shape, int callers, string work)
    {
        using var emulator = await EmulatorProcess.StartAsync(Path.Combine(work, "tablestore"));
        Progress($"emulator pid {emulator.Process.Id} on {emulator.Endpoint}");
        using var source = await JindoMetaDaemon.StartAsync(Path.Combine(work, "source"), "127.0.0.1", 0, UploadSettings(emulator));
        TreeBuildResult tree;
        ReplicaStatus before, atBuildEnd, synced;
        PhaseRow build, catchUp;
        using (var clients = new ClientSet(source.Address, settings.Connections, User))
        using (var admin = new ClientSet(source.Address, 1, User))
        {
            Progress($"source daemon pid {source.Process.Id} on {source.Address}, uploading");
            var status = admin.Clients[0];
            before = await ReplicaStatus.WaitForSyncedAsync(status, WaitLimit, Progress);
            var cpu = Window(emulator, () => source.Process.Id);
            tree = await TreeBuilder.BuildAsync(clients.Clients, shape, callers, settings.CompleteFiles, Progress);
            atBuildEnd = await ReplicaStatus.ReadAsync(status);
            build = Row($"build tree ({(tree.FilesCompleted ? "mkdir+create+complete" : "mkdir+create")})", cpu, tree.Operations, "writes");
            Progress(BuildTreeSuite.Describe(tree));

            cpu = Window(emulator, () => source.Process.Id);
            synced = await ReplicaStatus.WaitForSyncedAsync(status, WaitLimit, Progress);
            catchUp = Row("upload catch-up (build end -> _synced=1)", cpu, synced.Number("upload.checkpoint") - atBuildEnd.Number("upload.checkpoint"), "entries");
        }

        var stopping = Stopwatch.StartNew();
        var stoppedCleanly = await source.TerminateAsync(TimeSpan.FromSeconds(120));
        var stopSeconds = stopping.Elapsed.TotalSeconds;
        Progress($"source daemon stopped (SIGTERM) in {stopSeconds:N1} s; recovering into a new data directory");

        JindoMetaDaemon? recovering = null;
        var recoveryCpu = Window(emulator, () => recovering?.Process.Id);
        var launched = Stopwatch.StartNew();
        recovering = await JindoMetaDaemon.StartAsync(Path.Combine(work, "recovered"), "127.0.0.1", 0,
            ["-D", "namespace.backend.rocksdb.recovery.mode=true", .. emulator.DaemonSettings()]);
        var startSeconds = launched.Elapsed.TotalSeconds;
        PhaseRow recovery;
        long rows;
        using (recovering)
        using (var admin = new ClientSet(recovering.Address, 1, User))
        {
            var finished = await ReplicaStatus.WaitForRecoveredAsync(admin.Clients[0], WaitLimit, Progress);
            rows = finished.Number("recovery.rows");
            recovery = Row("recovery (launch -> state=FINISH)", recoveryCpu, rows, "rows");
            await recovering.TerminateAsync(TimeSpan.FromSeconds(120));
        }

        await emulator.StopAsync();
        return new BuildAndRecovery(tree, atBuildEnd.LastIndex - before.LastIndex, atBuildEnd.Number("upload.checkpoint") - before.Number("upload.checkpoint"),
            synced.Number("upload.checkpoint"), stopSeconds, stoppedCleanly, rows, startSeconds, build, catchUp, recovery);
    }

    private static async Task<LagUnderLoad> MeasureLagAsync(BenchSettings settings, int callers, TimeSpan duration, string work)
    {
        using var emulator = await EmulatorProcess.StartAsync(Path.Combine(work, "tablestore-lag"));
        using var daemon = await JindoMetaDaemon.StartAsync(Path.Combine(work, "lag"), "127.0.0.1", 0, UploadSettings(emulator));
        using var clients = new ClientSet(daemon.Address, settings.Connections, User);
        using var admin = new ClientSet(daemon.Address, 1, User); // its own connection: samples do not queue behind creates
        var status = admin.Clients[0];
        Progress($"lag: fresh emulator pid {emulator.Process.Id} and daemon pid {daemon.Process.Id} on {daemon.Address}");
        await ReplicaStatus.WaitForSyncedAsync(status, WaitLimit, Progress);
        var shape = new TreeShape("/lag", settings.Directories, files: 0);
        await TreeBuilder.BuildAsync(clients.Clients, shape, callers, completeFiles: true);
        await ReplicaStatus.WaitForSyncedAsync(status, WaitLimit, Progress);

        var samples = new List<(long Entries, double Seconds)>();
        using var stopSampling = new CancellationTokenSource();
        var sampler = Task.CompletedTask;
        CpuWindow? cpu = null;
        PhaseRow? phase = null;
        var load = await CreateRateLoad.RunAsync(clients.Clients, shape.FilePath, settings.Rate, settings.WarmUp, duration,
            windowStarted: () =>
            {
                cpu = Window(emulator, () => daemon.Process.Id);
                sampler = SampleAsync(status, samples, stopSampling.Token);
            },
            windowEnded: () =>
            {
                stopSampling.Cancel();
                phase = Row(string.Create(CultureInfo.InvariantCulture, $"lag load ({settings.Rate:N0} creates/s target)"), cpu!, 0, "creates");
            });
        await sampler;
        var draining = Stopwatch.StartNew();
        await ReplicaStatus.WaitForSyncedAsync(status, WaitLimit, Progress);
        var drainSeconds = draining.Elapsed.TotalSeconds;
        if (load.FirstFailure is { } failure)
        {
            Progress($"lag load: {load.Failed:N0} creates failed, the first: {failure}");
        }

        await daemon.TerminateAsync(TimeSpan.FromSeconds(120));
        await emulator.StopAsync();
        return new LagUnderLoad(load, samples.Count, Spread.Of(samples.Select(s => (double)s.Entries)), Spread.Of(samples.Select(s => s.Seconds)), drainSeconds,
            phase! with { Count = load.Completed, Seconds = load.Window.TotalSeconds });
    }

    /// <summary>
    /// upload.lagEntries and upload.lagSeconds every 100 ms until cancelled (a slow answer skips ticks rather than
    /// queueing them). A read in flight at the end is let finish: cancelling it would fail the call, not end the loop.
    /// </summary>
    private static async Task SampleAsync(Client.JindoMetaClient status, List<(long Entries, double Seconds)> samples, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(SampleInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var now = await ReplicaStatus.ReadAsync(status);
                samples.Add((now.Number("upload.lagEntries"), now.Decimal("upload.lagSeconds")));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // the load is over
        }
    }

    private static IEnumerable<string> Details(BuildAndRecovery? built, LagUnderLoad? lag)
    {
        var culture = CultureInfo.InvariantCulture;
        if (built is not null)
        {
            yield return BuildTreeSuite.Describe(built.Tree);
            yield return string.Create(culture,
                $"upload during the build: {built.EntriesUploaded:N0} of {built.EntriesCommitted:N0} committed entries ({built.UploadEntriesPerSecondDuringBuild:N0} entries/s); " +
                $"build end -> _synced=1: {built.CatchUp.Seconds:N2} s; checkpoint {built.Checkpoint:N0}");
            yield return string.Create(culture,
                $"replica: {built.RecoveredRows:N0} rows, {built.UploadRowsPerSecond:N0} rows/s from the build's start to _synced=1");
            yield return string.Create(culture,
                $"source daemon stop (SIGTERM): {built.StopSeconds:N2} s{(built.StoppedCleanly ? "" : ", NOT clean: killed after 120 s")}");
            yield return string.Create(culture,
                $"recovery: {built.RecoveredRows:N0} rows in {built.Recovery.Seconds:N2} s from launch ({built.Recovery.PerSecond:N0} rows/s; the daemon served after {built.RecoveryStartSeconds:N2} s)");
        }

        if (lag is not null)
        {
            var load = lag.Load;
            yield return string.Create(culture,
                $"lag load: target {load.TargetRate:N0} creates/s, achieved {load.AchievedRate:N0} creates/s over {load.Window.TotalSeconds:N1} s " +
                $"(create p50 {load.P50Milliseconds:N2} ms, p99 {load.P99Milliseconds:N2} ms; {load.Failed:N0} failed; {load.BehindSchedule:N0} behind schedule at the end)");
            yield return string.Create(culture,
                $"uploader lag over {lag.Samples} samples (100 ms): lagEntries p50 {lag.LagEntries.P50:N0}, p99 {lag.LagEntries.P99:N0}, max {lag.LagEntries.Max:N0}; " +
                $"lagSeconds p50 {lag.LagSeconds.P50:N3}, p99 {lag.LagSeconds.P99:N3}, max {lag.LagSeconds.Max:N3}; load end -> _synced=1: {lag.DrainSeconds:N2} s");
        }
    }

    /// <summary>Issue 10's goals, judged on this run's figures; a smaller run says what it indicates.</summary>
    private static IEnumerable<string> Goals(BenchSettings settings, BuildAndRecovery? built, LagUnderLoad? lag)
    {
        string Judge(bool met) => met ? "met" : "NOT met";
        const double GoalRate = 10_000;
        if (lag is null)
        {
            yield return "goal uploader lag < 1 s at 10,000 creates/s: not measured (--only build)";
        }
        else if (settings.Rate < GoalRate)
        {
            yield return string.Create(CultureInfo.InvariantCulture, $"goal uploader lag < 1 s at 10,000 creates/s: not measured at that rate (--rate {settings.Rate:N0}: lagSeconds p99 {lag.LagSeconds.P99:N3} s there)");
        }
        else
        {
            var sustained = lag.Load.AchievedRate >= 0.95 * GoalRate;
            yield return string.Create(CultureInfo.InvariantCulture,
                $"goal uploader lag < 1 s at 10,000 creates/s: lagSeconds p99 {lag.LagSeconds.P99:N3} s at {lag.Load.AchievedRate:N0} creates/s achieved, ") +
                (sustained ? Judge(lag.LagSeconds.P99 < 1) : "not judged: the daemon did not sustain 10,000 creates/s on this machine");
        }

        if (built is null)
        {
            yield return "goal recovery of the seed's namespace < 15 s: not measured (--only lag)";
            yield break;
        }

        var seed = built.Tree.Directories == BenchSettings.SeedDirectories && built.Tree.Files == BenchSettings.SeedFiles;
        var filesPerSecond = built.Tree.Files / built.Recovery.Seconds;
        yield return seed
            ? string.Create(CultureInfo.InvariantCulture, $"goal recovery of the seed's namespace < 15 s: {built.Recovery.Seconds:N1} s ({filesPerSecond:N0} files/s), {Judge(built.Recovery.Seconds < 15)}")
            : string.Create(CultureInfo.InvariantCulture,
                $"goal recovery of the seed's namespace < 15 s (about 100k files/s): {filesPerSecond:N0} files/s on this smaller tree, i.e. about {BenchSettings.SeedFiles / filesPerSecond:N0} s for the seed's if it scaled (indicative only: the daemon's {built.RecoveryStartSeconds:N1} s start-up is in it)");
    }

    private static string[] UploadSettings(EmulatorProcess emulator) => ["-D", "namespace.backend.rocksdb.async.ots.enabled=true", .. emulator.DaemonSettings()];

    private static CpuWindow Window(EmulatorProcess emulator, Func<int?> daemon) =>
        CpuWindow.Start((Daemon, daemon), (Emulator, () => emulator.Process.Id), (Bench, () => Environment.ProcessId));

    private static PhaseRow Row(string phase, CpuWindow window, long count, string unit)
    {
        var (wall, shares) = window.Stop();
        return new PhaseRow(phase, wall.TotalSeconds, count, unit, shares);
    }

    private static void Progress(string line) => Console.Error.WriteLine($"# {line}");
}
