using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using JindoMeta.Protos.V1;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Cli.Tests.Client;

/// <summary>An in-process jindometa.v1.NamespaceService (Grpc.AspNetCore) whose answers each test scripts; it records every call.</summary>
public sealed class FakeNamespaceServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeNamespaceServer(WebApplication app, ConcurrentQueue<(string Method, string? User, string Detail)> calls, ConcurrentQueue<(string Method, string? ClientId, string? CallId)> callIds)
    {
        _app = app;
        Calls = calls;
        CallIds = callIds;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        Address = $"127.0.0.1:{new Uri(address).Port}";
    }

    public string Address { get; }

    public ConcurrentQueue<(string Method, string? User, string Detail)> Calls { get; }

    /// <summary>The retry-cache ids (x-jindo-client-id, x-jindo-call-id) of every call, in arrival order.</summary>
    public ConcurrentQueue<(string Method, string? ClientId, string? CallId)> CallIds { get; }

    public int CallCount(string method) => Calls.Count(c => c.Method == method);

    /// <summary>Starts a server; <paramref name="answer"/> runs for every call and may throw RpcException or delay.</summary>
    public static async Task<FakeNamespaceServer> StartAsync(Func<string, ServerCallContext, Task> answer, Func<ListStatusRequest, ListStatusResponse>? list = null)
    {
        var calls = new ConcurrentQueue<(string, string?, string)>();
        var callIds = new ConcurrentQueue<(string, string?, string?)>();
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http2));
        builder.Services.AddGrpc();
        builder.Services.AddSingleton(new ScriptedService(calls, callIds, answer, list));
        var app = builder.Build();
        app.MapGrpcService<ScriptedService>();
        await app.StartAsync();
        return new FakeNamespaceServer(app, calls, callIds);
    }

    /// <summary>An address where nothing listens (connection refused).</summary>
    public static string DeadAddress()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return $"127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
    }

    public static RpcException NotLeader(string leader) =>
        new(new Status(StatusCode.Unavailable, "Not the leader"), new Metadata { { "jindo-error-code", "25011" }, { "jindo-leader", leader } });

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class ScriptedService(
        ConcurrentQueue<(string, string?, string)> calls, ConcurrentQueue<(string, string?, string?)> callIds, Func<string, ServerCallContext, Task> answer, Func<ListStatusRequest, ListStatusResponse>? list)
        : NamespaceService.NamespaceServiceBase
    {
        public override Task<FileStatusResponse> GetFileInfo(GetFileInfoRequest request, ServerCallContext context) =>
            Handle("GetFileInfo", request, context, q => new FileStatusResponse { Status = new FileStatus { Path = q.Path } });

        public override Task<FileStatusResponse> Create(CreateRequest request, ServerCallContext context) =>
            Handle("Create", request, context, q => new FileStatusResponse { Status = new FileStatus { Path = q.Path } });

        public override Task<DeleteResponse> Delete(DeleteRequest request, ServerCallContext context) =>
            Handle("Delete", request, context, _ => new DeleteResponse());

        public override Task<ListStatusResponse> ListStatus(ListStatusRequest request, ServerCallContext context) =>
            Handle("ListStatus", request, context, q => list!(q));

        private async Task<TResponse> Handle<TRequest, TResponse>(string method, TRequest request, ServerCallContext context, Func<TRequest, TResponse> reply)
        {
            calls.Enqueue((method, context.RequestHeaders.GetValue("x-jindo-user"), request!.ToString()!));
            callIds.Enqueue((method, context.RequestHeaders.GetValue("x-jindo-client-id"), context.RequestHeaders.GetValue("x-jindo-call-id")));
            await answer(method, context);
            return reply(request);
        }
    }
}
