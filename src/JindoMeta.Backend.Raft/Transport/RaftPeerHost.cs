using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>The raft peer listener (port 8103): its own Kestrel server, HTTP/2 without TLS, serving only
/// <c>RaftPeerService</c>, each stream into the <see cref="RaftPeerReceiver"/> of its raft group (namespace). Separate from the client endpoint (8101) so peer
/// traffic has its own limits and the backend does not depend on the server project.</summary>
public sealed class RaftPeerHost : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly TimeSpan _shutdownTimeout;

    private RaftPeerHost(WebApplication app, IPEndPoint endPoint, TimeSpan shutdownTimeout)
    {
        _app = app;
        EndPoint = endPoint;
        _shutdownTimeout = shutdownTimeout;
    }

    /// <summary>The bound address; with port 0 requested, the port the system chose.</summary>
    public IPEndPoint EndPoint { get; }

    public int Port => EndPoint.Port;

    /// <summary>Mutual TLS with the peers; the senders of every group on this listener use it too.</summary>
    public RaftPeerTls? Tls { get; init; }

    /// <summary>The raft groups this listener routes to.</summary>
    public required RaftPeerReceivers Receivers { get; init; }

    /// <summary>Binds and starts serving.</summary>
    /// <exception cref="IOException">The address is in use or cannot be bound.</exception>
    public static async Task<RaftPeerHost> StartAsync(RaftPeerHostOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions { ApplicationName = typeof(RaftPeerHost).Assembly.GetName().Name });
        builder.WebHost.UseKestrelCore();
        if (options.Tls is not null)
        {
            builder.WebHost.UseKestrelHttpsConfiguration();
        }

        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = null; // a peer stream is one endless body; gRPC bounds each message
            // Kestrel's default windows (768 KiB per stream, 1 MiB per connection) are less than one full append
            // (1 MiB) plus a chunk: the sender would stall for a round trip per batch. 16 / 32 MiB keep a few batches
            // in flight on the single stream a peer uses.
            kestrel.Limits.Http2.InitialStreamWindowSize = 16 << 20;
            kestrel.Limits.Http2.InitialConnectionWindowSize = 32 << 20;
            kestrel.Limits.Http2.KeepAlivePingDelay = TimeSpan.FromSeconds(10);
            kestrel.Limits.Http2.KeepAlivePingTimeout = TimeSpan.FromSeconds(5);
            kestrel.Listen(options.Address, options.Port, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                if (options.Tls is { } tls)
                {
                    listen.UseHttps(new Microsoft.AspNetCore.Server.Kestrel.Https.HttpsConnectionAdapterOptions
                    {
                        ServerCertificateSelector = (_, _) => tls.Certificate.Current,
                        ClientCertificateMode = Microsoft.AspNetCore.Server.Kestrel.Https.ClientCertificateMode.RequireCertificate,
                        ClientCertificateValidation = (certificate, _, _) => tls.AcceptIncoming(certificate),
                    });
                }
            });
        });
        builder.Services.Configure<HostOptions>(host => host.ShutdownTimeout = options.ShutdownTimeout);
        builder.Services.AddSingleton(options.Receivers);
        builder.Services.AddRouting();
        builder.Services.AddGrpc(grpc =>
        {
            grpc.MaxReceiveMessageSize = options.MaxGrpcMessageBytes;
            grpc.MaxSendMessageSize = options.MaxGrpcMessageBytes;
            grpc.EnableDetailedErrors = false;
        });
        options.ConfigureLogging?.Invoke(builder.Logging);

        var app = builder.Build();
        app.MapGrpcService<RaftPeerReceiverService>();
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await app.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return new RaftPeerHost(app, BoundEndPoint(app, options), options.ShutdownTimeout) { Receivers = options.Receivers, Tls = options.Tls };
    }

    /// <summary>Stops listening: open peer streams end with UNAVAILABLE (their senders reconnect with backoff).</summary>
    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(_shutdownTimeout);
        try
        {
            await _app.StopAsync(timeout.Token).ConfigureAwait(false);
        }
        finally
        {
            await _app.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static IPEndPoint BoundEndPoint(WebApplication app, RaftPeerHostOptions options)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                return new IPEndPoint(options.Address, uri.Port);
            }
        }

        throw new InvalidOperationException($"Kestrel reported no bound address for the raft peer listener on {options.Address}:{options.Port}.");
    }
}
