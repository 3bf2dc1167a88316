using System.Collections.Concurrent;
using JindoMeta.Namespace.Errors;
using JindoMeta.Server.Configuration;

namespace JindoMeta.Server.Data;

/// <summary>
/// HDFS's leases on files under construction, kept in memory by the serving daemon: one holder per file (the client
/// instance's x-jindo-client-id, else user@address). Within the soft limit only the holder may write, complete or
/// re-create the file; past it another client may take it over; past the hard limit <see cref="BlockReclaimer"/>
/// recovers it (<see cref="Namespace.Commands.RecoverLeaseCommand"/>).
/// </summary>
/// <remarks>
/// Not replicated: after a restart or failover the files still under construction are found by the reclaimer's walk
/// and <see cref="Adopt"/>ed with an unknown holder, whom the first writer replaces and whom the hard limit recovers.
/// Thread-safe.
/// </remarks>
public sealed class FileLeases(LeaseLimits limits, TimeProvider time)
{
    private const string UnknownHolder = "";
    private readonly ConcurrentDictionary<(string Namespace, long FileId), Lease> _leases = new();

    // The file each leased path names, so complete and create need no metadata read to find it. A path goes stale when
    // its file is renamed while being written; that file is then checked by id only (by writes) until it is closed.
    private readonly ConcurrentDictionary<(string Namespace, string Path), long> _byPath = new();

    public LeaseLimits Limits => limits;

    /// <summary>A file was created or reopened by <paramref name="holder"/>: the lease is its.</summary>
    public void Grant(string namespaceName, long fileId, string path, string holder)
    {
        _leases[(namespaceName, fileId)] = new Lease(holder, path, time.GetTimestamp());
        _byPath[(namespaceName, path)] = fileId;
    }

    /// <summary>The file under construction that holds a lease at <paramref name="path"/>, if any.</summary>
    public long? FileAt(string namespaceName, string path) =>
        _byPath.TryGetValue((namespaceName, path), out var fileId) && _leases.ContainsKey((namespaceName, fileId)) ? fileId : null;

    /// <summary>
    /// <paramref name="holder"/> is about to write or complete the file: refused while another holder's lease is
    /// within the soft limit; otherwise the lease becomes (or stays) the caller's and is renewed.
    /// </summary>
    public NamespaceError? Claim(string namespaceName, long fileId, string path, string holder)
    {
        var key = (namespaceName, fileId);
        while (true)
        {
            var now = time.GetTimestamp();
            if (!_leases.TryGetValue(key, out var current))
            {
                if (_leases.TryAdd(key, new Lease(holder, path, now)))
                {
                    _byPath[(namespaceName, path)] = fileId;
                    return null;
                }

                continue;
            }

            if (current.Holder != holder && current.Holder != UnknownHolder && time.GetElapsedTime(current.RenewedAt) < limits.Soft)
            {
                return Conflict("write", path, current.Holder);
            }

            if (_leases.TryUpdate(key, current with { Holder = holder, Path = path, RenewedAt = now }, current))
            {
                if (current.Path != path)
                {
                    // Renamed while being written: the path it had no longer names it.
                    _byPath.TryRemove(new KeyValuePair<(string, string), long>((namespaceName, current.Path), fileId));
                }

                _byPath[(namespaceName, path)] = fileId;
                return null;
            }
        }
    }

    /// <summary>Whether <paramref name="holder"/> may replace the file under construction (create with overwrite).</summary>
    public NamespaceError? CheckOverwrite(string namespaceName, long fileId, string path, string holder) =>
        _leases.TryGetValue((namespaceName, fileId), out var current) && current.Holder != holder && current.Holder != UnknownHolder &&
        time.GetElapsedTime(current.RenewedAt) < limits.Soft
            ? Conflict("create", path, current.Holder)
            : null;

    /// <summary>The file was closed, removed or recovered.</summary>
    public void Release(string namespaceName, long fileId)
    {
        if (_leases.TryRemove((namespaceName, fileId), out var lease))
        {
            _byPath.TryRemove(new KeyValuePair<(string, string), long>((namespaceName, lease.Path), fileId));
        }
    }

    /// <summary>Renews every lease of <paramref name="holder"/> (HDFS renewLease: one call per client, not per file).</summary>
    public int Renew(string holder)
    {
        var renewed = 0;
        var now = time.GetTimestamp();
        foreach (var (key, lease) in _leases)
        {
            if (lease.Holder == holder && _leases.TryUpdate(key, lease with { RenewedAt = now }, lease))
            {
                renewed++;
            }
        }

        return renewed;
    }

    /// <summary>A file found under construction with no lease here (a restart, a failover): its holder is unknown from now on.</summary>
    public void Adopt(string namespaceName, long fileId, string path)
    {
        if (_leases.TryAdd((namespaceName, fileId), new Lease(UnknownHolder, path, time.GetTimestamp())))
        {
            _byPath[(namespaceName, path)] = fileId;
        }
    }

    /// <summary>Leases of <paramref name="namespaceName"/> not renewed within the hard limit.</summary>
    public IReadOnlyList<(long FileId, string Path)> Expired(string namespaceName) =>
        [.. _leases.Where(e => e.Key.Namespace == namespaceName && time.GetElapsedTime(e.Value.RenewedAt) >= limits.Hard).Select(e => (e.Key.FileId, e.Value.Path))];

    /// <summary>How many files of <paramref name="namespaceName"/> are being written, for status.</summary>
    public int Count(string namespaceName) => _leases.Keys.Count(k => k.Namespace == namespaceName);

    private static NamespaceError Conflict(string operation, string path, string holder) =>
        new(ErrorCode.LeaseConflict, $"Failed to {operation} {path}: the file is being written by another client, which holds its lease ({holder})");

    private sealed record Lease(string Holder, string Path, long RenewedAt);
}
