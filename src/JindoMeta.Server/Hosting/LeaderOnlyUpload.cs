using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.Replication;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// A raft namespace's upload: its <see cref="AsyncUploader"/> runs only while this node leads. One loop, woken by the
/// backend's <see cref="INamespaceBackend.ServingChanged"/> (a leader change) and at least once a second, compares
/// <see cref="RaftNamespaceBackend.LeadershipTerm"/> with what runs:
/// <list type="number">
/// <item>leading, nothing running: <see cref="RaftNamespaceBackend.PrepareUploadAsync"/> (the cluster's store id, and
/// every entry committed before this term applied here), <see cref="ReplicaTakeover.TakeOverAsync"/> (fence off the
/// earlier leader), then a new uploader, which resumes from the table's checkpoint;</item>
/// <item>running for another term, or not leading: stop it (a run in flight is abandoned; the next leader writes it
/// again, and writes are idempotent);</item>
/// <item>its uploader stopped while this node still leads: if a deposed leader's write did it (the row was still
/// an earlier term's), take the row over and start again; any other stop stays, loudly.</item>
/// </list>
/// Every node applies the same feed, so a new leader uploads exactly what the old one would have; the uploader's
/// trims are replicated entries, so followers' feeds are trimmed behind the checkpoint too.
/// </summary>
/// <remarks>Status is safe to read from any thread; the loop alone starts and stops uploaders.</remarks>
public sealed class LeaderOnlyUpload : INamespaceUpload
{
    /// <summary>The state a node that does not lead reports: the leader uploads.</summary>
    public const string Standby = "STANDBY";

    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly RaftNamespaceBackend _backend;
    private readonly TableStoreClient _client;
    private readonly AsyncUploaderOptions _options;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private volatile Leadership? _running;
    private volatile string? _startError;
    private UploadLeadership? _prepared;

    private LeaderOnlyUpload(RaftNamespaceBackend backend, TableStoreClient client, AsyncUploaderOptions options, ILogger logger)
    {
        _backend = backend;
        _client = client;
        _options = options;
        _logger = logger;
    }

    public static LeaderOnlyUpload Start(RaftNamespaceBackend backend, TableStoreClient client, AsyncUploaderOptions options, ILogger logger)
    {
        var upload = new LeaderOnlyUpload(backend, client, options, logger);
        backend.ServingChanged += upload.OnServingChanged;
        upload._loop = Task.Run(() => upload.RunAsync(upload._stop.Token));
        return upload;
    }

    public UploadStatus GetStatus()
    {
        if (_running is { } running)
        {
            return running.Uploader.GetStatus();
        }

        // Not uploading here: every entry the feed no longer holds was uploaded (trims follow the checkpoint).
        var feed = _backend.ChangeFeed;
        var state = _backend.LeadershipTerm is null ? Standby : "STARTING";
        return new UploadStatus(_options.TableName, state, feed.FirstIndex - 1, feed.LastIndex, 0, _startError);
    }

    public Task<ReplicaComparison> VerifyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        _running is { } running
            ? running.Uploader.VerifyAsync(timeout, cancellationToken)
            : throw new InvalidOperationException("this node does not lead the namespace, so it does not upload: run -verifyReplica against the leader");

    public async ValueTask DisposeAsync()
    {
        _backend.ServingChanged -= OnServingChanged;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
    }

    private void OnServingChanged(object? sender, EventArgs e)
    {
        try
        {
            _wake.Release();
        }
        catch (Exception error) when (error is SemaphoreFullException or ObjectDisposedException)
        {
            // A wake-up is pending already, or the loop is gone.
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(cancellationToken).ConfigureAwait(false);
                _startError = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is TableStoreException or HttpRequestException or IOException or TimeoutException)
            {
                // Tablestore unreachable while taking over: nothing started, the next round tries again.
                _startError = Mask(e.Message);
                UploadHostingLog.NotStarted(_logger, _options.Namespace, _startError);
            }

            try
            {
                await _wake.WaitAsync(RecheckInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await StopRunningAsync("shutting down").ConfigureAwait(false);
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var term = _backend.LeadershipTerm;
        if (_running is { } running && running.Term != term)
        {
            await StopRunningAsync(term is null ? "this node no longer leads" : $"this node leads again, in term {term}").ConfigureAwait(false);
        }

        if (term is null)
        {
            return;
        }

        if (_running is null)
        {
            if (_prepared?.Term != term)
            {
                // One identity entry per leadership, not one per attempt while Tablestore is unreachable.
                var prepared = await _backend.PrepareUploadAsync(cancellationToken).ConfigureAwait(false);
                if (!prepared.IsOk)
                {
                    return; // leadership moved meanwhile: the next round sees where
                }

                _prepared = prepared.Value;
            }

            var leadership = _prepared!;
            var storeId = ReplicaTakeover.StoreIdOf(leadership.StoreId, leadership.Term);
            await TakeOverAsync(storeId, cancellationToken).ConfigureAwait(false);
            UploadHostingLog.Leading(_logger, _options.Namespace, leadership.Term, storeId);
            _running = new Leadership(StartUploader(storeId, leadership.Term), leadership.Term, storeId);
        }
        else if (_running is { StopChecked: false } current && current.Uploader.GetStatus().State == "STOPPED")
        {
            var tookOver = await TakeOverAsync(current.StoreId, cancellationToken).ConfigureAwait(false);
            current.StopChecked = true; // once: after a takeover no earlier term can write the row again
            if (tookOver)
            {
                UploadHostingLog.Restarting(_logger, _options.Namespace);
                await current.Uploader.DisposeAsync().ConfigureAwait(false);
                _running = current with { Uploader = StartUploader(current.StoreId, current.Term), StopChecked = false };
            }
        }
    }

    private async Task<bool> TakeOverAsync(string storeId, CancellationToken cancellationToken)
    {
        if (await ReplicaTakeover.TakeOverAsync(_client, _options.TableName, storeId, cancellationToken).ConfigureAwait(false) is not { } previous)
        {
            return false;
        }

        UploadHostingLog.TookOver(_logger, _options.Namespace, _options.TableName, previous.StoreId, previous.Index);
        return true;
    }

    private AsyncUploader StartUploader(string storeId, ulong term)
    {
        var uploader = new AsyncUploader(new LeadershipSource(_backend, storeId, term), _client, _options, _logger);
        uploader.Start();
        return uploader;
    }

    private async Task StopRunningAsync(string reason)
    {
        if (_running is not { } running)
        {
            return;
        }

        _running = null;
        await running.Uploader.DisposeAsync().ConfigureAwait(false);
        UploadHostingLog.Standing(_logger, _options.Namespace, reason);
    }

    private string Mask(string message) =>
        _options.Secrets.Where(s => s.Length > 0).Aggregate(message, (text, secret) => text.Replace(secret, "***", StringComparison.Ordinal)).ReplaceLineEndings(" ");

    /// <summary>The uploader of one term, and whether its stop was already looked into.</summary>
    private sealed record Leadership(AsyncUploader Uploader, ulong Term, string StoreId)
    {
        public bool StopChecked { get; set; }
    }

    /// <summary>
    /// The backend's feed and snapshots under one leadership's store id, fixed for the uploader's lifetime. Once this
    /// node no longer leads in that term the feed reads nothing, so a deposed leader's uploader starts no further run
    /// even before the loop stops it (the new leader's takeover fences off the run it may have in flight).
    /// </summary>
    private sealed class LeadershipSource(RaftNamespaceBackend cluster, string storeId, ulong term) : IReplicaSource
    {
        public IChangeFeed ChangeFeed { get; } = new LeadershipFeed(cluster, term);

        public string StoreId => storeId;

        public IReplicaSnapshot OpenSnapshot() => cluster.OpenSnapshot();

        public long EstimatedRows => cluster.EstimatedRows;

        public ReplicaOrigin? RecoveredFrom => cluster.RecoveredFrom;
    }

    private sealed class LeadershipFeed(RaftNamespaceBackend cluster, ulong term) : IChangeFeed
    {
        public long LastIndex => cluster.ChangeFeed.LastIndex;

        public long FirstIndex => cluster.ChangeFeed.FirstIndex;

        public IReadOnlyList<ChangeEntry> Read(long fromIndex, int maxEntries) =>
            cluster.LeadershipTerm == term ? cluster.ChangeFeed.Read(fromIndex, maxEntries) : [];

        public void Trim(long throughIndex) => cluster.ChangeFeed.Trim(throughIndex);
    }
}
