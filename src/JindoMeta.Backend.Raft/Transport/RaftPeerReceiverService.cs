using Grpc.Core;
using JindoMeta.Protos.Raft.V1;
using Microsoft.Extensions.Hosting;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>The gRPC side of <see cref="RaftPeerReceiver"/>: reads a peer's stream of batches until the peer closes it,
/// the connection breaks, or this host stops.</summary>
internal sealed class RaftPeerReceiverService(RaftPeerReceivers receivers, IHostApplicationLifetime lifetime) : RaftPeerService.RaftPeerServiceBase
{
    public override async Task<SendSummary> Send(IAsyncStreamReader<RaftBatch> requestStream, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(requestStream);
        ArgumentNullException.ThrowIfNull(context);
        var receiver = receivers.Resolve(context.RequestHeaders);
        var senderId = receiver.AdmitStream(context.RequestHeaders);

        // Peer streams never end on their own; without the stopping token a host shutdown would wait for its timeout.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken, lifetime.ApplicationStopping);
        ulong received = 0;
        try
        {
            while (await requestStream.MoveNext(stopping.Token).ConfigureAwait(false))
            {
                foreach (var message in requestStream.Current.Messages)
                {
                    receiver.Accept(senderId, message);
                    received++;
                }
            }
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw new RpcException(new Status(StatusCode.Unavailable, $"raft node {receiver.SelfId} is stopping its peer listener"));
        }

        return new SendSummary { MessagesReceived = received };
    }
}
