using JindoMeta.Replication;

namespace JindoMeta.Server.Hosting;

/// <summary>One namespace's async upload on this node, as `-metaStatus` reports it.</summary>
public interface INamespaceUpload : IAsyncDisposable
{
    /// <summary>The uploader's status; on a raft node that does not lead, <see cref="LeaderOnlyUpload.Standby"/>.</summary>
    UploadStatus GetStatus();

    /// <summary>`jindo jfs -verifyReplica` through the uploader running here (<see cref="AsyncUploader.VerifyAsync"/>).</summary>
    /// <exception cref="InvalidOperationException">No uploader runs here (a raft follower), or it is not running yet.</exception>
    Task<ReplicaComparison> VerifyAsync(TimeSpan timeout, CancellationToken cancellationToken);
}
