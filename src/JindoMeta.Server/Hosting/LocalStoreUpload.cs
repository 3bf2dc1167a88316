using JindoMeta.Replication;

namespace JindoMeta.Server.Hosting;

/// <summary>The rocksdb backend's upload: the store is this node's alone, so its uploader runs from start to shutdown.</summary>
public sealed class LocalStoreUpload(AsyncUploader uploader) : INamespaceUpload
{
    public static LocalStoreUpload Start(AsyncUploader uploader)
    {
        uploader.Start();
        return new LocalStoreUpload(uploader);
    }

    public UploadStatus GetStatus() => uploader.GetStatus();

    public Task<ReplicaComparison> VerifyAsync(TimeSpan timeout, CancellationToken cancellationToken) => uploader.VerifyAsync(timeout, cancellationToken);

    public ValueTask DisposeAsync() => uploader.DisposeAsync();
}
