using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Backend;
using JindoMeta.Replication;
using JindoMeta.Server.Configuration;
using JindoMeta.Server.Services;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// The async upload of every namespace when the backend's async.ots.enabled key is on: on rocksdb an uploader that
/// always runs, on raft one that runs while this node leads (<see cref="LeaderOnlyUpload"/>).
/// </summary>
public static class ReplicaUploaders
{
    public static ReplicaJobs<INamespaceUpload> Start(ServerSettings settings, NamespaceRegistry registry, ILoggerFactory loggers) =>
        ReplicaJobs<INamespaceUpload>.Start(settings.Upload, registry, (name, backend, client) =>
        {
            var options = new AsyncUploaderOptions
            {
                Namespace = name,
                Secrets = [settings.Upload!.AccessKeySecret, settings.Upload.SecurityToken ?? ""],
            };
            var logger = loggers.CreateLogger("JindoMeta.Replication.AsyncUploader");
            return backend switch
            {
                RaftNamespaceBackend raft => LeaderOnlyUpload.Start(raft, client, options, logger),
                IReplicaSource source => LocalStoreUpload.Start(new AsyncUploader(source, client, options, logger)),
                _ => null,
            };
        });
}
