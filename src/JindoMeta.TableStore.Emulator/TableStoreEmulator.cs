using System.Net;
using JindoMeta.TableStore.Emulator.Engine;
using JindoMeta.TableStore.Emulator.Hosting;
using JindoMeta.TableStore.Emulator.Http;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace JindoMeta.TableStore.Emulator;

/// <summary>
/// A local Tablestore-protocol server on 127.0.0.1 (Kestrel, HTTP/1.1), hostable in-process: start it on port 0,
/// point a client (ours or an official SDK) at <see cref="Endpoint"/>, dispose it when done. It handles no process
/// signal: disposing it is the one way to stop it (in-flight requests finish, then the store is closed).
/// </summary>
public sealed class TableStoreEmulator : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly EmulatorEngine _engine;
    private readonly EmulatorRequestHandler _handler;

    private TableStoreEmulator(WebApplication app, EmulatorEngine engine, EmulatorRequestHandler handler, EmulatorOptions options, Uri endpoint)
    {
        _app = app;
        _engine = engine;
        _handler = handler;
        Options = options;
        Endpoint = endpoint;
    }

    public EmulatorOptions Options { get; }

    /// <summary>http://127.0.0.1:port</summary>
    public Uri Endpoint { get; }

    /// <summary>Fault injection, changeable while running.</summary>
    public FaultOptions Faults
    {
        get => _handler.Faults;
        set => _handler.Faults = value ?? FaultOptions.None;
    }

    public long RequestsHandled => _handler.RequestsHandled;

    /// <summary>Requests answered with an injected fault so far: a test under faults shows they were met.</summary>
    public long FaultsInjected => _handler.FaultsInjected;

    /// <summary>Loads the data directory (if any), then listens.</summary>
    /// <exception cref="DataDirectoryInUseException">Another emulator holds <see cref="EmulatorOptions.DataDirectory"/>.</exception>
    /// <exception cref="IOException">The port is in use (inner <c>AddressInUseException</c>), or the directory is unusable.</exception>
    public static async Task<TableStoreEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!TableStoreOptions.IsValidInstanceName(options.InstanceName))
        {
            throw new ArgumentException($"'{options.InstanceName}' is not a valid instance name", nameof(options));
        }
        var engine = new EmulatorEngine(options);
        var handler = new EmulatorRequestHandler(engine, options);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Process signals belong to the process owner (Program, or the application hosting us), not to the library.
        builder.Services.AddSingleton<IHostLifetime, PassiveHostLifetime>();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.Limits.MaxRequestBodySize = 8 * 1024 * 1024;
            kestrel.Listen(IPAddress.Loopback, options.Port);
        });
        var app = builder.Build();
        app.Run(handler.HandleAsync);
        try
        {
            await app.StartAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // A port in use, say: release the data directory too, so a retry in this process can open it.
            await app.DisposeAsync().ConfigureAwait(false);
            engine.Dispose();
            throw;
        }
        var address = app.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        var port = new Uri(address).Port;
        return new TableStoreEmulator(app, engine, handler, options, new Uri($"http://127.0.0.1:{port}"));
    }

    /// <summary>Options for our client pointing at this emulator with its credentials.</summary>
    public TableStoreOptions ClientOptions() => new()
    {
        Endpoint = Endpoint,
        InstanceName = Options.InstanceName,
        AccessKeyId = Options.AccessKeyId,
        AccessKeySecret = Options.AccessKeySecret,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync().ConfigureAwait(false);
        await _app.DisposeAsync().ConfigureAwait(false);
        _engine.Dispose();
    }
}
