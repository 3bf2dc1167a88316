using System.Net;

namespace JindoMeta.Rpc.Server;

/// <summary>Settings of the gRPC server: per-message limits, error detail and the Kestrel endpoint.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest request message accepted (checked from the length prefix, before buffering).</summary>
    public int MaxReceiveMessageSize { get; set; } = GrpcProtocol.DefaultMaxReceiveMessageSize;

    /// <summary>Largest response message a handler may send; larger ones end the call with RESOURCE_EXHAUSTED.</summary>
    public int MaxSendMessageSize { get; set; } = int.MaxValue;

    /// <summary>When false (the default), an unexpected handler exception reaches the client only as "UNKNOWN".</summary>
    public bool EnableDetailedErrors { get; set; }

    public IPAddress ListenAddress { get; set; } = IPAddress.Any;

    /// <summary>0 picks a free port (tests); read the bound port from the started server.</summary>
    public int Port { get; set; } = 8101;

    /// <summary>
    /// Kestrel's default is 100. grpc-js keeps one connection and queues calls beyond it (250 calls of 200 ms:
    /// 738 ms instead of 225 ms in the feasibility study), so we allow more.
    /// </summary>
    public int MaxStreamsPerConnection { get; set; } = 1000;

    public TimeSpan KeepAlivePingDelay { get; set; } = TimeSpan.FromSeconds(60);

    public TimeSpan KeepAlivePingTimeout { get; set; } = TimeSpan.FromSeconds(20);
}
