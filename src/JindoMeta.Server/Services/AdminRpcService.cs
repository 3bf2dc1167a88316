using Grpc.Core;
using JindoMeta.Server.Hosting;
using JindoMeta.Server.Configuration;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Services;

/// <summary>jindometa.v1.AdminService: what `jindo jfs -metaStatus [-detail]` shows.</summary>
public sealed class AdminRpcService(NamespaceRegistry registry, ServerSettings settings, AdvertisedAddress advertised) : Proto.AdminService.AdminServiceBase
{
    /// <summary>Until the async uploader exists there is no replica to be in sync with.</summary>
    public const string NoUploader = "n/a";

    public override Task<Proto.MetaStatusResponse> MetaStatus(Proto.MetaStatusRequest request, ServerCallContext context) =>
        Task.FromResult(MetaStatus(request.Detail));

    private Proto.MetaStatusResponse MetaStatus(bool detail)
    {
        var response = new Proto.MetaStatusResponse { BackendType = settings.BackendType };
        foreach (var (name, backend) in registry.Backends.OrderBy(b => b.Key, StringComparer.Ordinal))
        {
            var status = backend.GetStatus();
            var entry = new Proto.NamespaceStatus { Name = name, BackendType = status.BackendType };
            if (status.Nodes is { } nodes)
            {
                entry.Nodes.AddRange(nodes.Select(n => new Proto.NodeStatus { Address = n.Address, Role = n.Role, State = n.State, LastCommittedIndex = n.LastIndex }));
            }
            else
            {
                entry.Nodes.Add(new Proto.NodeStatus
                {
                    Address = advertised.Value,
                    Role = status.Role,
                    State = status.State,
                    LastCommittedIndex = status.LastCommittedIndex,
                });
            }
            entry.Properties["_synced"] = NoUploader;
            if (detail)
            {
                foreach (var (key, value) in status.Detail)
                {
                    entry.Properties[key] = value;
                }
            }

            response.Namespaces.Add(entry);
        }

        return response;
    }
}
