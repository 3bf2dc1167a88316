using System.Threading.Channels;
using Google.Protobuf;
using JindoMeta.Rpc.Server;
using JindoMeta.Rpc.Tests.Protos;

namespace JindoMeta.Rpc.Tests;

/// <summary>The echo service of the test suite (node/server.js is its grpc-js twin).</summary>
public sealed class TestEchoService
{
    public const string ErrorCodeTrailer = "x-error-code";
    public const string DetailTrailer = "x-detail-bin";
    public static readonly byte[] DetailBytes = [0, 1, 2, 0xFE, 0xFF];

    /// <summary>Methods whose handler saw its cancellation token fire.</summary>
    public Channel<string> CancelledCalls { get; } = Channel.CreateUnbounded<string>();

    public GrpcServiceDefinition CreateDefinition() =>
        GrpcServiceDefinition.FromDescriptor(EchoReflection.Descriptor.Services[0])
            .AddUnary<EchoRequest, EchoReply>("Unary", UnaryAsync)
            .AddServerStreaming<EchoRequest, EchoReply>("Stream", StreamAsync);

    private async ValueTask<EchoReply> UnaryAsync(EchoRequest request, ServerCallContext context)
    {
        await DelayAsync(request, context).ConfigureAwait(false);
        EchoHeaders(context);
        if (Fail(request, context))
        {
            return null!;
        }

        return Reply(request, context, 0);
    }

    private async Task StreamAsync(EchoRequest request, IServerStreamWriter<EchoReply> writer, ServerCallContext context)
    {
        EchoHeaders(context);
        for (var i = 0; i < request.Count; i++)
        {
            await DelayAsync(request, context).ConfigureAwait(false);
            await writer.WriteAsync(Reply(request, context, i), context.CancellationToken).ConfigureAwait(false);
        }

        Fail(request, context);
    }

    private async Task DelayAsync(EchoRequest request, ServerCallContext context)
    {
        if (request.DelayMs <= 0)
        {
            return;
        }

        if (request.IgnoreCancellation)
        {
            await Task.Delay(request.DelayMs, CancellationToken.None).ConfigureAwait(false);
            return;
        }

        try
        {
            await Task.Delay(request.DelayMs, context.CancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            CancelledCalls.Writer.TryWrite(context.Method);
            throw;
        }
    }

    private static void EchoHeaders(ServerCallContext context)
    {
        if (context.RequestHeaders.GetString("x-request-id") is { } id)
        {
            context.ResponseHeaders.Add("x-echo-header", id);
            context.ResponseTrailers.Add("x-echo-trailer", id);
        }

        if (context.RequestHeaders.GetBytes("x-trace-bin") is { } trace)
        {
            context.ResponseTrailers.Add("x-echo-trailer-bin", trace);
        }
    }

    private static bool Fail(EchoRequest request, ServerCallContext context)
    {
        if (request.Crash)
        {
            throw new InvalidOperationException("secret internal detail");
        }

        if (request.FailCode == 0)
        {
            return false;
        }

        var trailers = new Metadata
        {
            { ErrorCodeTrailer, "25021" },
            { DetailTrailer, DetailBytes },
        };
        var status = new Status((StatusCode)request.FailCode, request.FailMessage);
        if (!request.FailViaStatus)
        {
            throw new RpcException(status, trailers);
        }

        foreach (var entry in trailers)
        {
            if (entry.IsBinary)
            {
                context.ResponseTrailers.Add(entry.Key, entry.ValueBytes!);
            }
            else
            {
                context.ResponseTrailers.Add(entry.Key, entry.Value!);
            }
        }

        context.Status = status;
        return true;
    }

    private static EchoReply Reply(EchoRequest request, ServerCallContext context, int index)
    {
        var reply = new EchoReply
        {
            Text = request.Text,
            Payload = request.ReplySize > 0 ? ByteString.CopyFrom(new byte[request.ReplySize]) : request.Payload,
            Index = index,
            DeadlineMs = context.Deadline == DateTime.MaxValue ? -1 : (long)(context.Deadline - DateTime.UtcNow).TotalMilliseconds,
            SentAt = request.SentAt,
        };
        foreach (var entry in context.RequestHeaders)
        {
            if (entry.Key.StartsWith("x-", StringComparison.Ordinal))
            {
                reply.Metadata[entry.Key] = entry.IsBinary ? Convert.ToBase64String(entry.ValueBytes!).TrimEnd('=') : entry.Value!;
            }
        }

        return reply;
    }
}
