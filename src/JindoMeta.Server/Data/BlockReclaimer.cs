using JindoMeta.Blocks;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Data;

/// <summary>
/// The background half of the data path, on the node that leads each namespace: recovers leases past the hard limit,
/// and deletes block objects no file refers to (blocks of deleted or overwritten files, of writes that failed or
/// whose writer died).
/// </summary>
/// <remarks>
/// A sweep walks the namespace (as the superuser) and collects every file's id and blocks, then lists the store. An
/// object is referenced when its file (the id in its name) exists and either lists the block or is under
/// construction (a writer may still name it in its complete). An unreferenced object is deleted only by a later sweep
/// that finds it unreferenced again at least the grace time after the first did: a file created, or moved, while a
/// walk was under way is seen by the next one, and a reader that fetched a block list before its file was deleted
/// has the grace time to read it. A file moved from a directory the walk had not reached into one it had passed, in
/// two walks running, could be missed by both: the grace time (an hour by default) makes that need two such moves.
/// The walk holds each file with blocks in memory: about 100 bytes per file plus 8 per block.
/// </remarks>
public sealed partial class BlockReclaimer : IAsyncDisposable
{
    private readonly NamespaceRegistry _registry;
    private readonly IBlockStore _store;
    private readonly FileLeases _leases;
    private readonly DataSettings _settings;
    private readonly CallerIdentity _superUser;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Dictionary<string, Dictionary<string, DateTimeOffset>> _unreferencedSince = new(StringComparer.Ordinal);
    private readonly Dictionary<string, DateTimeOffset> _lastSweep = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    private BlockReclaimer(NamespaceRegistry registry, IBlockStore store, FileLeases leases, DataSettings settings, string superUser, TimeProvider time, ILogger logger)
    {
        _registry = registry;
        _store = store;
        _leases = leases;
        _settings = settings;
        _superUser = new CallerIdentity(superUser, []);
        _time = time;
        _logger = logger;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    public static BlockReclaimer Start(NamespaceRegistry registry, IBlockStore store, FileLeases leases, DataSettings settings, string superUser, TimeProvider time, ILogger logger) =>
        new(registry, store, leases, settings, superUser, time, logger);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        // Leases are looked at more often than the store is swept: a dead writer's file should not wait a whole interval.
        var tick = TimeSpan.FromTicks(Math.Min(_settings.ReclaimInterval.Ticks, TimeSpan.FromSeconds(10).Ticks));
        while (!cancellationToken.IsCancellationRequested)
        {
            foreach (var (name, backend) in _registry.Backends)
            {
                try
                {
                    await RoundAsync(name, backend, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
                catch (Exception e) when (e is IOException or HttpRequestException or TimeoutException or InvalidOperationException or UnauthorizedAccessException)
                {
                    SweepFailed(_logger, name, e.Message);
                }
            }

            try
            {
                await Task.Delay(tick, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private async Task RoundAsync(string name, INamespaceBackend backend, CancellationToken cancellationToken)
    {
        var status = backend.GetStatus();
        if (!status.Serving || status.Role is not ("LEADER" or "ACTIVE"))
        {
            // Another node leads: what this one saw unreferenced is stale by the time it leads again.
            _unreferencedSince.Remove(name);
            _lastSweep.Remove(name);
            return;
        }

        await RecoverExpiredLeasesAsync(name, backend, cancellationToken).ConfigureAwait(false);
        var now = _time.GetUtcNow();
        if (_lastSweep.TryGetValue(name, out var last) && now - last < _settings.ReclaimInterval)
        {
            return;
        }

        _lastSweep[name] = now;
        await SweepAsync(name, backend, now, cancellationToken).ConfigureAwait(false);
    }

    private async Task RecoverExpiredLeasesAsync(string name, INamespaceBackend backend, CancellationToken cancellationToken)
    {
        foreach (var (fileId, path) in _leases.Expired(name))
        {
            var result = await backend.SubmitAsync(new RecoverLeaseCommand(_superUser, path, fileId), cancellationToken).ConfigureAwait(false);
            // Not found: deleted or moved since; a file still under construction elsewhere is adopted again by the next walk.
            _leases.Release(name, fileId);
            LeaseRecovered(_logger, name, path, fileId, result.IsOk ? (result.Value is null ? "removed (it was being created)" : "closed with its earlier blocks") : result.Error!.Message);
        }
    }

    private async Task SweepAsync(string name, INamespaceBackend backend, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var files = await WalkAsync(name, backend, cancellationToken).ConfigureAwait(false);
        if (files is null)
        {
            return;
        }

        var previous = _unreferencedSince.GetValueOrDefault(name) ?? new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        var unreferenced = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        long deleted = 0, deletedBytes = 0;
        await foreach (var stored in _store.ListAsync(name + "/", cancellationToken).ConfigureAwait(false))
        {
            if (IsReferenced(name, stored.Name, files))
            {
                continue;
            }

            var since = previous.GetValueOrDefault(stored.Name, now);
            if (now - since >= _settings.ReclaimGrace && since < now)
            {
                await _store.DeleteAsync(stored.Name, cancellationToken).ConfigureAwait(false);
                deleted++;
                deletedBytes += stored.Size;
            }
            else
            {
                unreferenced[stored.Name] = since;
            }
        }

        _unreferencedSince[name] = unreferenced;
        if (deleted > 0)
        {
            Reclaimed(_logger, name, deleted, deletedBytes, unreferenced.Count);
        }
    }

    private static bool IsReferenced(string name, string objectName, Dictionary<long, FileBlocks> files)
    {
        if (BlockKey.TryParse(name, objectName) is not { } key)
        {
            // A local store's temporary file of a write in flight or abandoned: its file id is in its name too.
            var cut = objectName.IndexOf('.', name.Length + 1);
            return cut > 0 && BlockKey.TryParse(name, objectName[..cut]) is { } writing && files.TryGetValue(writing.FileId, out var owner) && owner.UnderConstruction;
        }

        return files.TryGetValue(key.FileId, out var file) && (file.UnderConstruction || file.Blocks.Contains(key.BlockId));
    }

    /// <summary>Every file with blocks or under construction; null when the namespace stopped serving meanwhile.</summary>
    private async Task<Dictionary<long, FileBlocks>?> WalkAsync(string name, INamespaceBackend backend, CancellationToken cancellationToken)
    {
        var files = new Dictionary<long, FileBlocks>();
        var directories = new Stack<string>();
        directories.Push("/");
        while (directories.TryPop(out var directory))
        {
            string? cursor = null;
            do
            {
                var page = await backend.ListStatusAsync(directory, cursor, 1000, _superUser, cancellationToken).ConfigureAwait(false);
                if (!page.IsOk)
                {
                    if (page.Error!.Code == Namespace.Errors.ErrorCode.FileNotFound)
                    {
                        break; // removed while the walk was under way: its blocks are unreferenced now
                    }

                    return null; // not leading any more, or failing: the next round decides
                }

                foreach (var entry in page.Value.Entries)
                {
                    var record = entry.Record;
                    if (record.IsDirectory)
                    {
                        directories.Push(entry.Path);
                    }
                    else if (record.UnderConstruction || record.Blocks.Count > 0)
                    {
                        files[record.Id] = new FileBlocks(record.UnderConstruction, [.. record.Blocks.Select(b => b.BlockId)]);
                        if (record.UnderConstruction)
                        {
                            _leases.Adopt(name, record.Id, entry.Path);
                        }
                    }
                }

                cursor = page.Value.NextCursor;
            }
            while (cursor is not null);
        }

        return files;
    }

    private sealed record FileBlocks(bool UnderConstruction, HashSet<long> Blocks);

    [LoggerMessage(EventId = 1201, Level = LogLevel.Information, Message = "Namespace {Namespace}: reclaimed {Objects} block objects ({Bytes} bytes) no file refers to; {Waiting} more wait out the grace time")]
    private static partial void Reclaimed(ILogger logger, string @namespace, long objects, long bytes, int waiting);

    [LoggerMessage(EventId = 1202, Level = LogLevel.Information, Message = "Namespace {Namespace}: recovered the lease on {Path} (inode {FileId}), which its writer had not renewed within the hard limit: {Outcome}")]
    private static partial void LeaseRecovered(ILogger logger, string @namespace, string path, long fileId, string outcome);

    [LoggerMessage(EventId = 1203, Level = LogLevel.Warning, Message = "Namespace {Namespace}: the block store sweep failed ({Error}); it runs again next round")]
    private static partial void SweepFailed(ILogger logger, string @namespace, string error);
}
