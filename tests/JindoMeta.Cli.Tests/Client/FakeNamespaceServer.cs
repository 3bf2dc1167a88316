using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using JindoMeta.Protos.V1;
using JindoMeta.Rpc;
using JindoMeta.Rpc.Hosting;
using JindoMeta.Rpc.Server;

namespace JindoMeta.Cli.Tests.Client;

/// <summary>An in-process jindometa.v1.NamespaceService whose answers each test scripts; it records every call.</summary>
public sealed class FakeNamespaceServer : IAsyncDisposable
{
    private readonly GrpcServerHost _host;

    private FakeNamespaceServer(GrpcServerHost host, ConcurrentQueue<(string Method, string? User, string Detail)> calls)
    {
        _host = host;
        Calls = calls;
    }

    public string Address => _host.Address;

    public ConcurrentQueue<(string Method, string? User, string Detail)> Calls { get; }

    public int CallCount(string method) => Calls.Count(c => c.Method == method);

    /// <summary>Starts a server; <paramref name="answer"/> runs for every call and may throw RpcException or delay.</summary>
    public static async Task<FakeNamespaceServer> StartAsync(Func<string, ServerCallContext, Task> answer, Func<ListStatusRequest, ListStatusResponse>? list = null)
    {
        var calls = new ConcurrentQueue<(string, string?, string)>();
        async ValueTask<TResponse> Handle<TRequest, TResponse>(string method, TRequest request, ServerCallContext context, Func<TRequest, TResponse> reply)
        {
            calls.Enqueue((method, context.RequestHeaders.GetString("x-jindo-user"), request!.ToString()!));
            await answer(method, context);
            return reply(request);
        }

        var definition = GrpcServiceDefinition.FromDescriptor(NamespaceReflection.Descriptor.Services.Single(s => s.Name == "NamespaceService"))
            .AddUnary<GetFileInfoRequest, FileStatusResponse>("GetFileInfo", (r, c) => Handle("GetFileInfo", r, c, q => new FileStatusResponse { Status = new FileStatus { Path = q.Path } }))
            .AddUnary<CreateRequest, FileStatusResponse>("Create", (r, c) => Handle("Create", r, c, q => new FileStatusResponse { Status = new FileStatus { Path = q.Path } }))
            .AddUnary<DeleteRequest, DeleteResponse>("Delete", (r, c) => Handle("Delete", r, c, _ => new DeleteResponse()))
            .AddUnary<ListStatusRequest, ListStatusResponse>("ListStatus", (r, c) => Handle("ListStatus", r, c, q => list!(q)));
        return new FakeNamespaceServer(await GrpcServerHost.StartOnLoopbackAsync(definition), calls);
    }

    /// <summary>An address where nothing listens (connection refused).</summary>
    public static string DeadAddress()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return $"127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
    }

    public static RpcException NotLeader(string leader) =>
        new(StatusCode.Unavailable, "Not the leader", new Metadata { { "jindo-error-code", "25011" }, { "jindo-leader", leader } });

    public ValueTask DisposeAsync() => _host.DisposeAsync();
}
