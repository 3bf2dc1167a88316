using JindoMeta.Protos.V1;
using JindoMeta.Rpc.Client;

namespace JindoMeta.Client;

/// <summary>The client-side descriptions of jindometa.v1's methods.</summary>
internal static class NamespaceMethods
{
    private const string Namespace = "/jindometa.v1.NamespaceService/";
    private const string Admin = "/jindometa.v1.AdminService/";

    public static readonly GrpcMethod<MkdirsRequest, FileStatusResponse> Mkdirs = new(Namespace + "Mkdirs", FileStatusResponse.Parser);
    public static readonly GrpcMethod<CreateRequest, FileStatusResponse> Create = new(Namespace + "Create", FileStatusResponse.Parser);
    public static readonly GrpcMethod<CompleteRequest, FileStatusResponse> Complete = new(Namespace + "Complete", FileStatusResponse.Parser);
    public static readonly GrpcMethod<DeleteRequest, DeleteResponse> Delete = new(Namespace + "Delete", DeleteResponse.Parser);
    public static readonly GrpcMethod<RenameRequest, FileStatusResponse> Rename = new(Namespace + "Rename", FileStatusResponse.Parser);
    public static readonly GrpcMethod<SetPermissionRequest, FileStatusResponse> SetPermission = new(Namespace + "SetPermission", FileStatusResponse.Parser);
    public static readonly GrpcMethod<SetOwnerRequest, FileStatusResponse> SetOwner = new(Namespace + "SetOwner", FileStatusResponse.Parser);
    public static readonly GrpcMethod<SetTimesRequest, FileStatusResponse> SetTimes = new(Namespace + "SetTimes", FileStatusResponse.Parser);
    public static readonly GrpcMethod<GetFileInfoRequest, FileStatusResponse> GetFileInfo = new(Namespace + "GetFileInfo", FileStatusResponse.Parser);
    public static readonly GrpcMethod<ListStatusRequest, ListStatusResponse> ListStatus = new(Namespace + "ListStatus", ListStatusResponse.Parser);
    public static readonly GrpcMethod<GetContentSummaryRequest, ContentSummaryResponse> GetContentSummary = new(Namespace + "GetContentSummary", ContentSummaryResponse.Parser);
    public static readonly GrpcMethod<MetaStatusRequest, MetaStatusResponse> MetaStatus = new(Admin + "MetaStatus", MetaStatusResponse.Parser);
}
