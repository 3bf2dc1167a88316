using System.Net;
using JindoMeta.Rpc.Client;
using JindoMeta.Rpc.Hosting;
using JindoMeta.Rpc.Server;
using JindoMeta.Rpc.Tests.Protos;

namespace JindoMeta.Rpc.Tests;

/// <summary>One echo server on 127.0.0.1:0 with a 4 MiB receive and 8 MiB send limit, and a channel to it.</summary>
public sealed class EchoServerFixture : IAsyncLifetime
{
    public const int ServerMaxSend = 8 * 1024 * 1024;

    public static readonly GrpcMethod<EchoRequest, EchoReply> Unary = new("/jindometa.rpc.test.Echo/Unary", EchoReply.Parser);
    public static readonly GrpcMethod<EchoRequest, EchoReply> Stream = new("/jindometa.rpc.test.Echo/Stream", EchoReply.Parser);

    public TestEchoService Service { get; } = new();

    public GrpcServerHost Server { get; private set; } = null!;

    public GrpcChannel Channel { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Server = await GrpcServerHost.StartAsync(
            new GrpcServerOptions { ListenAddress = IPAddress.Loopback, Port = 0, MaxSendMessageSize = ServerMaxSend },
            Service.CreateDefinition());
        Channel = new GrpcChannel(Server.Address);
    }

    public async Task DisposeAsync()
    {
        Channel.Dispose();
        await Server.DisposeAsync();
    }
}
