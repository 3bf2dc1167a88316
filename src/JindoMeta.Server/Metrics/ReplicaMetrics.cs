using System.Diagnostics.Metrics;
using JindoMeta.Replication;
using JindoMeta.Server.Hosting;

namespace JindoMeta.Server.Metrics;

/// <summary>
/// The async uploader's lag and recovery mode's progress per namespace, read at scrape time from the same
/// <see cref="UploadStatus"/> and <see cref="RecoveryStatus"/> that `jindo jfs -metaStatus -detail` shows.
/// </summary>
/// <remarks>
/// A raft node that does not lead reports its uploader as standby: its lag is the leader's to report, so its gauges
/// read 0 and upload_active 0 (a gauge left out would keep its last value in the exporter). A state is a 0/1 gauge per condition (synced, finished, failed):
/// a gauge per state name would keep its last 1 after the state moved on.
/// </remarks>
public sealed class ReplicaMetrics : IDisposable
{
    public const string MeterName = "JindoMeta.Replica";

    private readonly Meter _meter = new(MeterName);

    public ReplicaMetrics(ReplicaJobs<INamespaceUpload>? uploaders, ReplicaJobs<INamespaceRecovery>? recoveries)
    {
        if (uploaders is not null && uploaders.ByNamespace.Count > 0)
        {
            _meter.CreateObservableGauge("upload_lag_entries", () => Uploads(uploaders, s => s.LagEntries),
                description: "Committed changes not yet in the Tablestore replica, by namespace.");
            _meter.CreateObservableGauge("upload_lag_seconds", () => Uploads(uploaders, s => s.LagSeconds),
                description: "Age of the oldest committed change not yet in the replica (0 when in sync), by namespace.");
            _meter.CreateObservableGauge("upload_checkpoint_index", () => Uploads(uploaders, s => s.Checkpoint),
                description: "Change index the replica's checkpoint stands at, by namespace.");
            _meter.CreateObservableGauge("upload_active", () => Uploads(uploaders, _ => 1),
                description: "1 where the uploader runs (a raft node uploads while it leads; a standby reads 0 everywhere), by namespace.");
            _meter.CreateObservableGauge("upload_synced", () => Uploads(uploaders, s => s.Synced ? 1 : 0),
                description: "1 when the uploader runs and everything committed is in the replica (metaStatus _synced), by namespace.");
        }

        if (recoveries is not null && recoveries.ByNamespace.Count > 0)
        {
            _meter.CreateObservableGauge("recovery_rows_loaded", () => Recoveries(recoveries, s => s.RowsLoaded),
                description: "Rows recovery mode has loaded from the replica, by namespace.");
            _meter.CreateObservableGauge("recovery_rows_estimated", () => Recoveries(recoveries, s => s.RowsEstimated),
                description: "The replica's estimated row count, by namespace.");
            _meter.CreateObservableGauge("recovery_percent", () => Recoveries(recoveries, s => s.Percent),
                description: "Recovery progress by rows (100 once state=FINISH), as metaStatus shows it, by namespace.");
            _meter.CreateObservableGauge("recovery_finished", () => Recoveries(recoveries, s => s.State == "FINISH" ? 1 : 0),
                description: "1 once recovery reached state=FINISH, by namespace.");
            _meter.CreateObservableGauge("recovery_failed", () => Recoveries(recoveries, s => s.State == "FAILED" ? 1 : 0),
                description: "1 when recovery stopped with state=FAILED (metaStatus shows its last error), by namespace.");
        }
    }

    public void Dispose() => _meter.Dispose();

    private static IEnumerable<Measurement<double>> Uploads(ReplicaJobs<INamespaceUpload> uploaders, Func<UploadStatus, double> value)
    {
        foreach (var (name, upload) in uploaders.ByNamespace)
        {
            var status = upload.GetStatus();
            yield return new Measurement<double>(status.State == LeaderOnlyUpload.Standby ? 0 : value(status), new KeyValuePair<string, object?>("namespace", name));
        }
    }

    private static IEnumerable<Measurement<double>> Recoveries(ReplicaJobs<INamespaceRecovery> recoveries, Func<RecoveryStatus, double> value)
    {
        foreach (var (name, recovery) in recoveries.ByNamespace)
        {
            yield return new Measurement<double>(value(recovery.GetStatus()), new KeyValuePair<string, object?>("namespace", name));
        }
    }
}
