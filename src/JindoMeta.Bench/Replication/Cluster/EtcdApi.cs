using Google.Protobuf;
using Grpc.Core;

namespace JindoMeta.Bench.Replication.Cluster;

/// <summary>
/// The few messages of etcd's v3 gRPC API (package etcdserverpb) that the benchmark sends: KV/Put and
/// Maintenance/Status, written by hand from the field numbers of etcd's public rpc.proto with Google.Protobuf's
/// coded streams, instead of vendoring etcd's protos and their gogoproto imports. Fields we never set or read are
/// skipped on input and never written.
/// </summary>
public static class EtcdApi
{
    public static readonly Method<EtcdPutRequest, EtcdResponseHeader> Put = new(
        MethodType.Unary, "etcdserverpb.KV", "Put",
        Marshallers.Create<EtcdPutRequest>(WritePut, _ => throw new NotSupportedException("the benchmark only sends puts")),
        Marshallers.Create(_ => throw new NotSupportedException("the benchmark only receives put responses"), ReadPutResponse));

    public static readonly Method<EtcdStatusRequest, EtcdStatus> Status = new(
        MethodType.Unary, "etcdserverpb.Maintenance", "Status",
        Marshallers.Create<EtcdStatusRequest>(_ => [], _ => new EtcdStatusRequest()),
        Marshallers.Create(_ => throw new NotSupportedException("the benchmark only receives status responses"), ReadStatus));

    // PutRequest: key = 1 (bytes), value = 2 (bytes); lease = 3, prev_kv = 4, ignore_value = 5, ignore_lease = 6 stay unset.
    private static byte[] WritePut(EtcdPutRequest request)
    {
        var size = CodedOutputStream.ComputeTagSize(1) + CodedOutputStream.ComputeLengthSize(request.Key.Length) + request.Key.Length
            + CodedOutputStream.ComputeTagSize(2) + CodedOutputStream.ComputeLengthSize(request.Value.Length) + request.Value.Length;
        var buffer = new byte[size];
        var output = new CodedOutputStream(buffer);
        output.WriteTag(1, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(request.Key));
        output.WriteTag(2, WireFormat.WireType.LengthDelimited);
        output.WriteBytes(UnsafeByteOperations.UnsafeWrap(request.Value));
        output.CheckNoSpaceLeft();
        return buffer;
    }

    // PutResponse: header = 1 (ResponseHeader); prev_kv = 2 is skipped.
    private static EtcdResponseHeader ReadPutResponse(byte[] bytes)
    {
        var header = new EtcdResponseHeader(0, 0, 0, 0);
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            if (WireFormat.GetTagFieldNumber(tag) == 1)
            {
                header = ReadHeader(input.ReadBytes());
            }
            else
            {
                input.SkipLastField();
            }
        }

        return header;
    }

    // StatusResponse: header = 1, version = 2 (string), dbSize = 3, leader = 4, raftIndex = 5, raftTerm = 6 (uint64).
    private static EtcdStatus ReadStatus(byte[] bytes)
    {
        var status = new EtcdStatus(new EtcdResponseHeader(0, 0, 0, 0), "", 0, 0, 0);
        var input = new CodedInputStream(bytes);
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            status = WireFormat.GetTagFieldNumber(tag) switch
            {
                1 => status with { Header = ReadHeader(input.ReadBytes()) },
                2 => status with { Version = input.ReadString() },
                4 => status with { Leader = input.ReadUInt64() },
                5 => status with { RaftIndex = input.ReadUInt64() },
                6 => status with { RaftTerm = input.ReadUInt64() },
                _ => Skip(input, status),
            };
        }

        return status;
    }

    // ResponseHeader: cluster_id = 1, member_id = 2 (uint64), revision = 3 (int64), raft_term = 4 (uint64).
    private static EtcdResponseHeader ReadHeader(ByteString bytes)
    {
        var header = new EtcdResponseHeader(0, 0, 0, 0);
        var input = bytes.CreateCodedInput();
        uint tag;
        while ((tag = input.ReadTag()) != 0)
        {
            header = WireFormat.GetTagFieldNumber(tag) switch
            {
                1 => header with { ClusterId = input.ReadUInt64() },
                2 => header with { MemberId = input.ReadUInt64() },
                3 => header with { Revision = input.ReadInt64() },
                4 => header with { RaftTerm = input.ReadUInt64() },
                _ => Skip(input, header),
            };
        }

        return header;
    }

    private static T Skip<T>(CodedInputStream input, T unchanged)
    {
        input.SkipLastField();
        return unchanged;
    }
}

/// <summary>etcdserverpb.PutRequest with only key and value.</summary>
public sealed record EtcdPutRequest(byte[] Key, byte[] Value);

/// <summary>etcdserverpb.StatusRequest (no fields).</summary>
public sealed record EtcdStatusRequest;

/// <summary>etcdserverpb.ResponseHeader: which member answered, and the store revision after the request.</summary>
public sealed record EtcdResponseHeader(ulong ClusterId, ulong MemberId, long Revision, ulong RaftTerm);

/// <summary>The fields of etcdserverpb.StatusResponse the benchmark reads (Leader is a member id; 0 = none known).</summary>
public sealed record EtcdStatus(EtcdResponseHeader Header, string Version, ulong Leader, ulong RaftIndex, ulong RaftTerm);
