using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;

namespace JindoMeta.Testing;

/// <summary>
/// An S3 server nobody here wrote: npm s3rver (tests/Shared/node, pinned in its package.json; started by
/// s3rver-peer.js there) as a child process on 127.0.0.1, on a port the OS picks, storing into a fresh temp
/// directory, with one bucket made at start-up. Killed by PID on dispose. Compiled
/// into every test project, so BCL only: a test hands <see cref="Endpoint"/>, <see cref="Bucket"/>,
/// <see cref="AccessKey"/> and <see cref="SecretKey"/> to whatever S3 client it tests (path-style addressing, any
/// region; s3rver checks SigV4 signatures with these keys).
/// </summary>
/// <example><code>
/// await using var s3 = await S3rverProcess.StartAsync();
/// // jindometa -D namespace.blockstore.type=s3 -D namespace.blockstore.s3.endpoint={s3.Endpoint}
/// //   -D namespace.blockstore.s3.bucket={s3.Bucket} -D ...access-key={s3.AccessKey} -D ...secret-key={s3.SecretKey}
/// </code></example>
/// <remarks>
/// s3rver 3.7.1 serves PUT, GET (ranges), HEAD, DELETE, ListObjects(V2) and multipart uploads, but answers
/// AbortMultipartUpload with 405 and ListMultipartUploads with 501; <see cref="Requests"/> shows what a client sent.
/// It stores request bodies as they arrive, so a client must not send aws-chunked (streaming SigV4) bodies.
/// </remarks>
internal sealed class S3rverProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60); // node start-up on a loaded 2-core machine
    private readonly Process _process;
    private readonly TempDirectory _directory;
    private readonly ConcurrentQueue<string> _requests = new();
    private readonly Task _stdout;
    private readonly Task<string> _stderr;

    private S3rverProcess(Process process, TempDirectory directory, Uri endpoint, string bucket)
    {
        _process = process;
        _directory = directory;
        Endpoint = endpoint;
        Bucket = bucket;
        _stdout = Task.Run(DrainStdoutAsync);
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>http://127.0.0.1:PORT/ (use path-style addressing: http://127.0.0.1:PORT/BUCKET/KEY).</summary>
    public Uri Endpoint { get; }

    /// <summary>The bucket made at start-up (empty).</summary>
    public string Bucket { get; }

    /// <summary>s3rver's built-in access key.</summary>
    public string AccessKey => "S3RVER";

    /// <summary>s3rver's built-in secret key.</summary>
    public string SecretKey => "S3RVER";

    /// <summary>Where s3rver keeps its buckets (deleted on dispose).</summary>
    public string DataDirectory => _directory.Sub("data");

    /// <summary>The PID, to kill the server under a test (the fixture then only cleans up).</summary>
    public int ProcessId => _process.Id;

    /// <summary>tests/Shared/node, where tests/run.sh runs npm ci.</summary>
    public static string NodeDirectory => Path.Combine(RepoRoot(), "tests", "Shared", "node");

    /// <summary>
    /// Every request answered so far, as "METHOD /bucket/key?query STATUS", in order. A request is logged after its
    /// answer is sent, so give a line a moment to arrive (see <see cref="WaitForRequestAsync"/>).
    /// </summary>
    public IReadOnlyList<string> Requests => [.. _requests];

    /// <summary>Starts s3rver with a bucket named <paramref name="bucket"/> and returns once it lists that bucket.</summary>
    public static async Task<S3rverProcess> StartAsync(string bucket = "jindometa-test")
    {
        if (!File.Exists(Path.Combine(NodeDirectory, "node_modules", "s3rver", "package.json")))
        {
            throw new InvalidOperationException($"s3rver missing in {NodeDirectory}: run tests/run.sh (it runs npm ci there) or npm ci in that directory");
        }

        var directory = new TempDirectory("s3rver");
        var start = new ProcessStartInfo("node", ["s3rver-peer.js", directory.Sub("data"), bucket])
        {
            WorkingDirectory = NodeDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start node");
        try
        {
            using var timeout = new CancellationTokenSource(StartTimeout);
            var port = await ReadPortAsync(process, timeout.Token);
            var server = new S3rverProcess(process, directory, new Uri($"http://127.0.0.1:{port}/"), bucket);
            await server.WaitUntilServingAsync(timeout.Token);
            return server;
        }
        catch (Exception e) when (e is OperationCanceledException or InvalidOperationException or HttpRequestException)
        {
            process.Kill(entireProcessTree: true);
            var stderr = await process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            process.Dispose();
            directory.Dispose();
            throw new InvalidOperationException($"s3rver did not start within {StartTimeout.TotalSeconds:0} s ({e.Message}): {stderr}", e);
        }
    }

    /// <summary>Waits up to 10 s for a <see cref="Requests"/> line that <paramref name="matches"/>, and returns it (null if none came).</summary>
    public async Task<string?> WaitForRequestAsync(Func<string, bool> matches)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var line = _requests.FirstOrDefault(matches);
            if (line is not null || deadline.Elapsed > TimeSpan.FromSeconds(10))
            {
                return line;
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true); // s3rver keeps nothing worth a clean shutdown
        }

        await _process.WaitForExitAsync();
        await _stdout;
        await _stderr;
        _process.Dispose();
        _directory.Dispose();
    }

    private static async Task<int> ReadPortAsync(Process process, CancellationToken cancellationToken)
    {
        // s3rver-peer.js prints "LISTENING PORT" once the bucket is made and the socket is bound.
        while (await process.StandardOutput.ReadLineAsync(cancellationToken) is { } line)
        {
            if (line.StartsWith("LISTENING ", StringComparison.Ordinal))
            {
                return int.Parse(line.AsSpan(10), CultureInfo.InvariantCulture);
            }
        }

        throw new InvalidOperationException("s3rver exited before it listened");
    }

    private async Task WaitUntilServingAsync(CancellationToken cancellationToken)
    {
        // ListBuckets, anonymous (s3rver allows it): answers once the server is up, and names the bucket once made.
        using var http = new HttpClient();
        while (true)
        {
            try
            {
                var listing = await http.GetStringAsync(Endpoint, cancellationToken);
                if (listing.Contains($"<Name>{Bucket}</Name>", StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            await Task.Delay(50, cancellationToken);
        }
    }

    private async Task DrainStdoutAsync()
    {
        // Drained always, so s3rver can never block on a full pipe.
        while (await _process.StandardOutput.ReadLineAsync() is { } line)
        {
            if (line.StartsWith("REQUEST ", StringComparison.Ordinal))
            {
                _requests.Enqueue(line[8..]);
            }
        }
    }

    private static string RepoRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "JindoMeta.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException($"JindoMeta.sln not found above {AppContext.BaseDirectory}");
        }

        return directory;
    }
}
