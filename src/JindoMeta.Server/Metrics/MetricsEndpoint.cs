using System.Diagnostics.Metrics;
using System.Net;
using JindoMeta.Server.Configuration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Prometheus;

namespace JindoMeta.Server.Metrics;

/// <summary>
/// GET /metrics in the Prometheus text format on its own Kestrel listener (plain HTTP/1.1, <see cref="ConfigKeys.MetricsPort"/>)
/// of the same WebApplication as the RPC port: one server, one shutdown, one log. The listener answers /metrics and
/// nothing else (404), and a request on any other listener never reaches the exporter.
/// </summary>
/// <remarks>
/// The exporter is prometheus-net (MIT, stable, the most used .NET Prometheus library): its MeterAdapter publishes
/// every System.Diagnostics.Metrics instrument our projects create, so no project but this one references it.
/// OpenTelemetry's Prometheus exporter is only published as a pre-release (1.20.1-beta.1 at the time of writing).
/// A listener of our own rather than prometheus-net's KestrelMetricServer: that one is a second web host with its
/// own thread, lifetime and logging, and its bound port is not reported when the port is 0 (the tests use 0).
/// </remarks>
public static class MetricsEndpoint
{
    public const string Path = "/metrics";

    /// <summary>
    /// The adapter drops a series it has not seen change for this long (its guard against unbounded label sets); our
    /// labels are few and fixed, and a counter must not vanish because no error of its code happened for a while.
    /// One day is the longest it allows.
    /// </summary>
    private static readonly TimeSpan SeriesLifetime = TimeSpan.FromDays(1);

    /// <summary>Latency buckets for histograms that give none (5 ms to 80 s), as prometheus-net's default.</summary>
    private static readonly double[] DefaultBuckets = Histogram.ExponentialBuckets(0.005, 2, 15);

    /// <summary>Adds the listener and the RPC interceptor, and starts publishing the meters (before the first call, so none is missed).</summary>
    public static MetricsListener Configure(WebApplicationBuilder builder, ServerSettings settings)
    {
        var listener = new MetricsListener(settings.BindAddress, settings.MetricsPort!.Value);
        builder.WebHost.ConfigureKestrel(kestrel =>
            kestrel.Listen(settings.BindAddress, listener.ConfiguredPort, options =>
            {
                options.Protocols = HttpProtocols.Http1;
                listener.Options = options;
            }));
        builder.Services.AddSingleton<RpcMetricsInterceptor>(); // one instance: no allocation per call
        StartPublishing();
        return listener;
    }

    /// <summary>Serves /metrics on the metrics listener, before anything else of the pipeline sees the request.</summary>
    public static void Map(WebApplication app, MetricsListener listener) =>
        app.MapWhen(context => context.Connection.LocalPort == listener.Port, branch =>
        {
            branch.UseMetricServer(_ => { }, Path);
            branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });

    /// <summary>
    /// Our meters ("JindoMeta.*") and the runtime's ("System.Runtime": GC, heap, thread pool, exceptions), plus
    /// prometheus-net's process metrics (CPU, memory, threads). ASP.NET Core's own meters (one measurement per HTTP
    /// request) and the EventCounter bridge stay off: they cost on every call and repeat what we measure.
    /// </summary>
    private static void StartPublishing()
    {
        Prometheus.Metrics.SuppressDefaultMetrics(new SuppressDefaultMetricOptions
        {
            SuppressMeters = true, // started below, filtered, and at once rather than at the first scrape
            SuppressEventCounters = true,
            SuppressDebugMetrics = true,
            SuppressProcessMetrics = false,
        });
        MeterAdapter.StartListening(new MeterAdapterOptions
        {
            InstrumentFilterPredicate = instrument =>
                instrument.Meter.Name.StartsWith("JindoMeta.", StringComparison.Ordinal) || instrument.Meter.Name == "System.Runtime",
            MetricsExpireAfter = SeriesLifetime,
            ResolveHistogramBuckets = BucketsOf,
        });
    }

    /// <summary>The buckets an instrument advises (its creator knows its range), else the default.</summary>
    private static double[] BucketsOf(Instrument instrument) => instrument switch
    {
        Histogram<double> { Advice.HistogramBucketBoundaries: { } boundaries } => [.. boundaries],
        Histogram<long> { Advice.HistogramBucketBoundaries: { } boundaries } => [.. boundaries.Select(b => (double)b)],
        Histogram<int> { Advice.HistogramBucketBoundaries: { } boundaries } => [.. boundaries.Select(b => (double)b)],
        _ => DefaultBuckets,
    };
}

/// <summary>The metrics listener: its address, and its port once bound (the configured one may be 0).</summary>
public sealed class MetricsListener(IPAddress address, int configuredPort)
{
    public IPAddress Address { get; } = address;

    public int ConfiguredPort { get; } = configuredPort;

    internal ListenOptions? Options { get; set; }

    /// <summary>The bound port: Kestrel writes the OS-chosen port back into the listen options when it binds.</summary>
    public int Port => Options?.IPEndPoint is { Port: > 0 } bound ? bound.Port : ConfiguredPort;
}
