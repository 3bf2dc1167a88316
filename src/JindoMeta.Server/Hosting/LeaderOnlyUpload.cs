using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Schema;
using JindoMeta.Replication;
using JindoMeta.TableStore;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// A raft namespace's upload: its <see cref="AsyncUploader"/> runs only while this node leads (the loop:
/// <see cref="LeaderOnlyLoop{TRun}"/>):
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
public sealed class LeaderOnlyUpload : LeaderOnlyLoop<LeaderOnlyUpload.Leadership>, INamespaceUpload
{
    /// <summary>The state a node that does not lead reports: the leader uploads.</summary>
    public const string Standby = "STANDBY";

    private readonly TableStoreClient _client;
    private readonly AsyncUploaderOptions _options;
    private readonly ILogger _logger;
    private UploadLeadership? _prepared;

    private LeaderOnlyUpload(RaftNamespaceBackend backend, TableStoreClient client, AsyncUploaderOptions options, ILogger logger)
        : base(backend, options.Secrets)
    {
        _client = client;
        _options = options;
        _logger = logger;
    }

    public static LeaderOnlyUpload Start(RaftNamespaceBackend backend, TableStoreClient client, AsyncUploaderOptions options, ILogger logger)
    {
        var upload = new LeaderOnlyUpload(backend, client, options, logger);
        upload.StartLoop();
        return upload;
    }

    public UploadStatus GetStatus()
    {
        if (Running is { } running)
        {
            return running.Uploader.GetStatus();
        }

        // Not uploading here: every entry the feed no longer holds was uploaded (trims follow the checkpoint).
        var feed = Backend.ChangeFeed;
        var state = Backend.LeadershipTerm is null ? Standby : "STARTING";
        return new UploadStatus(_options.TableName, state, feed.FirstIndex - 1, feed.LastIndex, 0, StartError);
    }

    public Task<ReplicaComparison> VerifyAsync(TimeSpan timeout, CancellationToken cancellationToken) =>
        Running is { } running
            ? running.Uploader.VerifyAsync(timeout, cancellationToken)
            : throw new InvalidOperationException("this node does not lead the namespace, so it does not upload: run -verifyReplica against the leader");

    protected override async Task<Leadership?> StartRunAsync(ulong term, CancellationToken cancellationToken)
    {
        if (_prepared?.Term != term)
        {
            // One identity entry per leadership, not one per attempt while Tablestore is unreachable.
            var prepared = await Backend.PrepareUploadAsync(cancellationToken).ConfigureAwait(false);
            if (!prepared.IsOk)
            {
                return null; // leadership moved meanwhile: the next round sees where
            }

            _prepared = prepared.Value;
        }

        var leadership = _prepared!;
        var storeId = ReplicaTakeover.StoreIdOf(leadership.StoreId, leadership.Term);
        await TakeOverAsync(storeId, cancellationToken).ConfigureAwait(false);
        UploadHostingLog.Leading(_logger, _options.Namespace, leadership.Term, storeId);
        return new Leadership(StartUploader(storeId, leadership.Term), storeId);
    }

    protected override async Task<Leadership?> CheckRunAsync(Leadership run, ulong term, CancellationToken cancellationToken)
    {
        if (run.StopChecked || run.Uploader.GetStatus().State != "STOPPED")
        {
            return run;
        }

        var tookOver = await TakeOverAsync(run.StoreId, cancellationToken).ConfigureAwait(false);
        run.StopChecked = true; // once: after a takeover no earlier term can write the row again
        if (!tookOver)
        {
            return run;
        }

        UploadHostingLog.Restarting(_logger, _options.Namespace);
        await run.Uploader.DisposeAsync().ConfigureAwait(false);
        return new Leadership(StartUploader(run.StoreId, term), run.StoreId);
    }

    protected override async ValueTask StopRunAsync(Leadership run, string reason)
    {
        await run.Uploader.DisposeAsync().ConfigureAwait(false);
        UploadHostingLog.Standing(_logger, _options.Namespace, reason);
    }

    protected override void StartFailed(string error) => UploadHostingLog.NotStarted(_logger, _options.Namespace, error);

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
        var uploader = new AsyncUploader(new LeadershipSource(Backend, storeId, term), _client, _options, _logger);
        uploader.Start();
        return uploader;
    }

    /// <summary>The uploader of one term, and whether its stop was already looked into.</summary>
    public sealed record Leadership(AsyncUploader Uploader, string StoreId)
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
