using System.Diagnostics;
using System.Globalization;
using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Bench.Replication.Replica;

/// <summary>
/// The one namespace's `-metaStatus -detail` as the replica suite reads it (src/JindoMeta.Cli/README.md): `_synced`,
/// `upload.*`, `recovery.*` and the node state, through the client library like `jindo jfs -metaStatus -detail`.
/// </summary>
public sealed record ReplicaStatus(string NodeState, long LastIndex, IReadOnlyDictionary<string, string> Properties)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan ProgressInterval = TimeSpan.FromSeconds(10);

    public bool Synced => Properties.GetValueOrDefault("_synced") == "1";

    public long Number(string key) =>
        Properties.TryGetValue(key, out var text) && long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"the daemon's -metaStatus -detail has no number '{key}' ({Describe()})");

    public double Decimal(string key) =>
        Properties.TryGetValue(key, out var text) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new InvalidOperationException($"the daemon's -metaStatus -detail has no number '{key}' ({Describe()})");

    /// <summary>The status as `-metaStatus` would print its properties, for error messages and progress lines.</summary>
    public string Describe() => $"state={NodeState} lastIndex={LastIndex} " + string.Join(" ", Properties.OrderBy(p => p.Key, StringComparer.Ordinal).Select(p => $"{p.Key}={p.Value}"));

    public static async Task<ReplicaStatus> ReadAsync(JindoMetaClient client, CancellationToken cancellationToken = default)
    {
        var status = await client.MetaStatusAsync(new MetaStatusRequest { Detail = true }, cancellationToken).ConfigureAwait(false);
        if (status.Namespaces.Count != 1)
        {
            throw new InvalidOperationException($"the replica suite expects a daemon with one namespace, this one serves {status.Namespaces.Count}");
        }

        var ns = status.Namespaces[0];
        return ns.Nodes.Count > 0 ? new ReplicaStatus(ns.Nodes[0].State, ns.Nodes[0].LastCommittedIndex, ns.Properties) : new ReplicaStatus("?", 0, ns.Properties);
    }

    /// <summary>Polls every 50 ms until `_synced=1`; fails at once when the uploader stopped, or after <paramref name="timeout"/>.</summary>
    public static Task<ReplicaStatus> WaitForSyncedAsync(JindoMetaClient client, TimeSpan timeout, Action<string> progress) =>
        WaitAsync(client, timeout, progress, "_synced=1", status => status.Synced,
            status => status.Properties.GetValueOrDefault("upload.state") == "STOPPED" ? $"the uploader stopped: {status.Properties.GetValueOrDefault("upload.lastError")}" : null,
            status => $"upload.checkpoint={status.Properties.GetValueOrDefault("upload.checkpoint")} upload.lagEntries={status.Properties.GetValueOrDefault("upload.lagEntries")}");

    /// <summary>Polls every 50 ms until the node shows state=FINISH; fails at once on FAILED, or after <paramref name="timeout"/>.</summary>
    public static Task<ReplicaStatus> WaitForRecoveredAsync(JindoMetaClient client, TimeSpan timeout, Action<string> progress) =>
        WaitAsync(client, timeout, progress, "state=FINISH", status => status.NodeState == "FINISH",
            status => status.NodeState == "FAILED" ? $"the recovery failed: {status.Properties.GetValueOrDefault("recovery.lastError")}" : null,
            status => $"recovery.progress={status.Properties.GetValueOrDefault("recovery.progress")}");

    private static async Task<ReplicaStatus> WaitAsync(
        JindoMetaClient client, TimeSpan timeout, Action<string> progress, string goal, Func<ReplicaStatus, bool> reached, Func<ReplicaStatus, string?> failure, Func<ReplicaStatus, string> where)
    {
        var clock = Stopwatch.StartNew();
        var nextProgress = ProgressInterval;
        while (true)
        {
            var status = await ReadAsync(client).ConfigureAwait(false);
            if (reached(status))
            {
                return status;
            }

            if (failure(status) is { } reason)
            {
                throw new InvalidOperationException($"{reason} ({status.Describe()})");
            }

            if (clock.Elapsed > timeout)
            {
                throw new TimeoutException($"not {goal} within {timeout.TotalSeconds:N0} s: {status.Describe()}");
            }

            if (clock.Elapsed >= nextProgress)
            {
                progress(string.Create(CultureInfo.InvariantCulture, $"waiting for {goal} for {clock.Elapsed.TotalSeconds:N0} s: {where(status)}"));
                nextProgress += ProgressInterval;
            }

            await Task.Delay(PollInterval).ConfigureAwait(false);
        }
    }
}
