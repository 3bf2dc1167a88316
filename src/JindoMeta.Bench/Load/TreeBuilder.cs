using System.Diagnostics;
using System.Globalization;
using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Bench.Load;

/// <summary>What <see cref="TreeBuilder.BuildAsync"/> did and how long it took.</summary>
/// <param name="Operations">Write calls made: one mkdir per directory (and one for the root), one create per file, and one complete per file when files were completed.</param>
public sealed record TreeBuildResult(int Directories, long Files, bool FilesCompleted, long Operations, TimeSpan DirectoriesElapsed, TimeSpan Elapsed)
{
    public double OperationsPerSecond => Operations / Elapsed.TotalSeconds;

    public double FilesPerSecond => Files / Elapsed.TotalSeconds;

    /// <summary>What each file cost, for the output: the reader must know whether "a file" was one write or two.</summary>
    public string FileWrites => FilesCompleted ? "create + complete (2 writes a file)" : "create only (1 write a file, left under construction)";
}

/// <summary>
/// Fills a namespace with a <see cref="TreeShape"/> through the normal write path, at high concurrency: the
/// directories level by level (mkdir without -p, so each is one write), then the files from <c>callers</c>
/// concurrent loops that each take the next file number, create it and (HDFS semantics: a written file is closed)
/// complete it with one block of a length derived from its number. Calls go round-robin over the given clients
/// (one HTTP/2 connection each, as several client processes would open). The first failure stops every loop and is
/// rethrown naming the path.
/// </summary>
public static class TreeBuilder
{
    private const long MaxFileBytes = 64L << 20;

    public static async Task<TreeBuildResult> BuildAsync(
        IReadOnlyList<JindoMetaClient> clients, TreeShape shape, int callers, bool completeFiles, Action<string>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(callers, 1);
        if (await clients[0].TryGetFileInfoAsync("", shape.Root, cancellationToken).ConfigureAwait(false) is not null)
        {
            throw new InvalidOperationException($"{shape.Root} exists already: remove it or generate the tree under another --root");
        }

        using var failed = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var clock = Stopwatch.StartNew();
        await clients[0].MkdirsAsync(new MkdirsRequest { Path = shape.Root, CreateParent = true }, cancellationToken).ConfigureAwait(false);
        long operations = 1;
        foreach (var level in shape.Levels)
        {
            await Parallel.ForEachAsync(Enumerable.Range(0, level.Count), new ParallelOptions { MaxDegreeOfParallelism = callers, CancellationToken = cancellationToken },
                async (k, token) =>
                {
                    var path = shape.DirectoryPath(level[k]);
                    await Describe("mkdir", path, clients[k % clients.Count].MkdirsAsync(new MkdirsRequest { Path = path }, token)).ConfigureAwait(false);
                }).ConfigureAwait(false);
            operations += level.Count;
        }

        var directoriesElapsed = clock.Elapsed;
        long next = -1;
        long done = 0;
        Exception? firstFailure = null;
        using var reporting = new CancellationTokenSource();
        var reporter = progress is null ? Task.CompletedTask : ReportAsync(shape.Files, () => Volatile.Read(ref done), clock, progress, reporting.Token);
        var loops = Enumerable.Range(0, callers).Select(caller => Task.Run(async () =>
        {
            var client = clients[caller % clients.Count];
            long file;
            while ((file = Interlocked.Increment(ref next)) < shape.Files && !failed.IsCancellationRequested)
            {
                try
                {
                    await CreateAsync(client, shape.FilePath(file), file, completeFiles, failed.Token).ConfigureAwait(false);
                }
                catch (Exception e) when (!failed.IsCancellationRequested)
                {
                    // The first failure is the one to report; the calls it cancels fail too, and are not.
                    Interlocked.CompareExchange(ref firstFailure, e, null);
                    await failed.CancelAsync().ConfigureAwait(false);
                    return;
                }
                catch (Exception) when (failed.IsCancellationRequested)
                {
                    return;
                }

                Interlocked.Increment(ref done);
            }
        }, CancellationToken.None)).ToArray();
        await Task.WhenAll(loops).ConfigureAwait(false);
        await reporting.CancelAsync().ConfigureAwait(false);
        await reporter.ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        if (firstFailure is not null)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(firstFailure);
        }

        operations += shape.Files * (completeFiles ? 2 : 1);
        return new TreeBuildResult(shape.Directories, shape.Files, completeFiles, operations, directoriesElapsed, clock.Elapsed);
    }

    private static async Task CreateAsync(JindoMetaClient client, string path, long file, bool complete, CancellationToken cancellationToken)
    {
        await Describe("create", path, client.CreateAsync(new CreateRequest { Path = path }, cancellationToken)).ConfigureAwait(false);
        if (!complete)
        {
            return;
        }

        // Sizes vary (1 B to 64 MiB, one block) so the rows look like a namespace of written files, not of empty ones.
        var length = 1 + (file * 2_654_435_761L % MaxFileBytes);
        await Describe("complete", path, client.CompleteAsync(new CompleteRequest
        {
            Path = path,
            Length = length,
            Blocks = { new Block { BlockId = file + 1, NumBytes = length, GenerationStamp = 1001 } },
        }, cancellationToken)).ConfigureAwait(false);
    }

    private static async Task Describe(string verb, string path, Task call)
    {
        try
        {
            await call.ConfigureAwait(false);
        }
        catch (JindoMetaException e)
        {
            throw new InvalidOperationException($"{verb} {path} failed: {e.Message}", e);
        }
    }

    private static async Task ReportAsync(long files, Func<long> done, Stopwatch clock, Action<string> progress, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(10));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var count = done();
                progress(string.Create(CultureInfo.InvariantCulture, $"build: {count:N0}/{files:N0} files after {clock.Elapsed.TotalSeconds:N0} s ({count / clock.Elapsed.TotalSeconds:N0} files/s)"));
            }
        }
        catch (OperationCanceledException)
        {
            // the build is over
        }
    }
}
