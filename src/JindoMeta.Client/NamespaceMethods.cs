using Google.Protobuf;
using Grpc.Core;
using JindoMeta.Protos.V1;

namespace JindoMeta.Client;

/// <summary>The client-side descriptions of jindometa.v1's methods (the generated stubs keep theirs private).</summary>
internal static class NamespaceMethods
{
    private const string Namespace = "jindometa.v1.NamespaceService";
    private const string Admin = "jindometa.v1.AdminService";
    private const string Data = "jindometa.v1.DataService";

    public static readonly Method<MkdirsRequest, FileStatusResponse> Mkdirs = Unary<MkdirsRequest, FileStatusResponse>(Namespace, "Mkdirs");
    public static readonly Method<CreateRequest, FileStatusResponse> Create = Unary<CreateRequest, FileStatusResponse>(Namespace, "Create");
    public static readonly Method<CompleteRequest, FileStatusResponse> Complete = Unary<CompleteRequest, FileStatusResponse>(Namespace, "Complete");
    public static readonly Method<AppendRequest, FileStatusResponse> Append = Unary<AppendRequest, FileStatusResponse>(Namespace, "Append");
    public static readonly Method<SetReplicationRequest, FileStatusResponse> SetReplication = Unary<SetReplicationRequest, FileStatusResponse>(Namespace, "SetReplication");
    public static readonly Method<DeleteRequest, DeleteResponse> Delete = Unary<DeleteRequest, DeleteResponse>(Namespace, "Delete");
    public static readonly Method<RenameRequest, FileStatusResponse> Rename = Unary<RenameRequest, FileStatusResponse>(Namespace, "Rename");
    public static readonly Method<SetPermissionRequest, FileStatusResponse> SetPermission = Unary<SetPermissionRequest, FileStatusResponse>(Namespace, "SetPermission");
    public static readonly Method<SetOwnerRequest, FileStatusResponse> SetOwner = Unary<SetOwnerRequest, FileStatusResponse>(Namespace, "SetOwner");
    public static readonly Method<SetTimesRequest, FileStatusResponse> SetTimes = Unary<SetTimesRequest, FileStatusResponse>(Namespace, "SetTimes");
    public static readonly Method<GetFileInfoRequest, FileStatusResponse> GetFileInfo = Unary<GetFileInfoRequest, FileStatusResponse>(Namespace, "GetFileInfo");
    public static readonly Method<ListStatusRequest, ListStatusResponse> ListStatus = Unary<ListStatusRequest, ListStatusResponse>(Namespace, "ListStatus");
    public static readonly Method<GetContentSummaryRequest, ContentSummaryResponse> GetContentSummary = Unary<GetContentSummaryRequest, ContentSummaryResponse>(Namespace, "GetContentSummary");
    public static readonly Method<MetaStatusRequest, MetaStatusResponse> MetaStatus = Unary<MetaStatusRequest, MetaStatusResponse>(Admin, "MetaStatus");
    public static readonly Method<TransferLeadershipRequest, TransferLeadershipResponse> TransferLeadership = Unary<TransferLeadershipRequest, TransferLeadershipResponse>(Admin, "TransferLeadership");
    public static readonly Method<VerifyReplicaRequest, VerifyReplicaResponse> VerifyReplica = Unary<VerifyReplicaRequest, VerifyReplicaResponse>(Admin, "VerifyReplica");
    public static readonly Method<GetFileChecksumRequest, GetFileChecksumResponse> GetFileChecksum = Unary<GetFileChecksumRequest, GetFileChecksumResponse>(Data, "GetFileChecksum");
    public static readonly Method<RenewLeaseRequest, RenewLeaseResponse> RenewLease = Unary<RenewLeaseRequest, RenewLeaseResponse>(Data, "RenewLease");

    public static readonly Method<WriteBlockRequest, WriteBlockResponse> WriteBlock =
        new(MethodType.ClientStreaming, Data, "WriteBlock", ProtobufMarshaller<WriteBlockRequest>.Instance, ProtobufMarshaller<WriteBlockResponse>.Instance);

    public static readonly Method<ReadFileRequest, ReadFileResponse> ReadFile =
        new(MethodType.ServerStreaming, Data, "ReadFile", ProtobufMarshaller<ReadFileRequest>.Instance, ProtobufMarshaller<ReadFileResponse>.Instance);

    private static readonly HashSet<string> MutatingMethods =
        [Mkdirs.FullName, Create.FullName, Complete.FullName, Append.FullName, SetReplication.FullName, Delete.FullName, Rename.FullName,
         SetPermission.FullName, SetOwner.FullName, SetTimes.FullName, RenewLease.FullName];

    /// <summary>
    /// Whether the method changes the namespace (and so carries a client id + call id for the retry cache; the client id
    /// also names the holder of the leases of the files it writes).
    /// </summary>
    public static bool IsMutating(string fullName) => MutatingMethods.Contains(fullName);

    private static Method<TRequest, TResponse> Unary<TRequest, TResponse>(string service, string name)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>, new() =>
        new(MethodType.Unary, service, name, ProtobufMarshaller<TRequest>.Instance, ProtobufMarshaller<TResponse>.Instance);

    /// <summary>Serializes straight into and parses straight from gRPC's buffers, as the generated stubs do.</summary>
    private static class ProtobufMarshaller<T>
        where T : class, IMessage<T>, new()
    {
        private static readonly MessageParser<T> Parser = new(() => new T());

        public static readonly Marshaller<T> Instance = Marshallers.Create(Serialize, Deserialize);

        private static void Serialize(T message, SerializationContext context)
        {
            context.SetPayloadLength(message.CalculateSize());
            message.WriteTo(context.GetBufferWriter());
            context.Complete();
        }

        private static T Deserialize(DeserializationContext context) => Parser.ParseFrom(context.PayloadAsReadOnlySequence());
    }
}
