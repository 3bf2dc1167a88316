using JindoMeta.Namespace.Backend;
using JindoMeta.Server.Services;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// With upload off nothing reads the change feed, so it would grow with every command for ever (every change written
/// twice): this keeps the newest <see cref="Configuration.ConfigKeys.FeedRetention"/> entries of each namespace and trims the rest,
/// once a second. The kept entries let upload be turned on again after a pause and resume its table from its
/// checkpoint, as long as fewer changes than that were made meanwhile. With upload on the uploader trims, behind its
/// checkpoint only, and this does not run.
/// </summary>
public sealed class FeedRetention : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private FeedRetention(IReadOnlyList<IChangeFeed> feeds, long retainEntries)
    {
        _loop = Task.Run(() => RunAsync(feeds, retainEntries, _stop.Token));
    }

    public static FeedRetention? Start(Configuration.ServerSettings settings, NamespaceRegistry registry) =>
        settings.Upload is null && settings.Recovery is null
            ? new FeedRetention([.. registry.Backends.Values.OfType<IReplicaSource>().Select(s => s.ChangeFeed)], settings.FeedRetentionEntries)
            : null;

    private static async Task RunAsync(IReadOnlyList<IChangeFeed> feeds, long retainEntries, CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            foreach (var feed in feeds)
            {
                var through = feed.LastIndex - retainEntries;
                if (through >= feed.FirstIndex)
                {
                    feed.Trim(through); // raft: proposed by whichever node leads; the others' proposals are refused
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }
}
