using JindoMeta.Server.Configuration;
using Serilog;
using Serilog.Events;
using Serilog.Filters;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// The daemon's one Serilog configuration: console (stderr) and an optional rolling file, one line format for our
/// own events and for ASP.NET Core's and gRPC's, which reach it through the hosting integration.
/// </summary>
public static class ServerLogging
{
    private const string LineFormat = "{Timestamp:yyyy-MM-dd HH:mm:ss.fff} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}";
    private const string FileOnlyProperty = "JindoFileOnly";

    public static Serilog.Core.Logger CreateLogger(ServerSettings settings)
    {
        var level = Enum.Parse<LogEventLevel>(settings.LogLevel, ignoreCase: true);
        var configuration = new LoggerConfiguration()
            .MinimumLevel.Is(level)
            .MinimumLevel.Override("Microsoft", LogEventLevel.Warning)
            // Grpc.AspNetCore logs every error status a handler returns (not found, exists...) at Information:
            // that is normal traffic, not news. Its call handler also logs a client's reset or deadline as an
            // error with a stack; HandlerFailureInterceptor and ClientAbortLogging log calls instead.
            .MinimumLevel.Override("Grpc", LogEventLevel.Warning)
            .MinimumLevel.Override("Grpc.AspNetCore.Server.ServerCallHandler", LogEventLevel.Fatal)
            .WriteTo.Logger(console => console
                .Filter.ByExcluding(Matching.WithProperty(FileOnlyProperty))
                .Filter.ByExcluding(IsKestrelStartFailure)
                .WriteTo.Console(outputTemplate: LineFormat, standardErrorFromLevel: LogEventLevel.Verbose));
        if (settings.LogDirectory is { } directory)
        {
            configuration = configuration.WriteTo.File(
                Path.Combine(directory, "jindometa-.log"),
                rollingInterval: RollingInterval.Day,
                retainedFileCountLimit: 14,
                fileSizeLimitBytes: 256L << 20,
                rollOnFileSizeLimit: true,
                outputTemplate: "{Timestamp:yyyy-MM-dd HH:mm:ss.fff zzz} {Level:u4} {SourceContext}: {Message:lj}{NewLine}{Exception}");
        }

        return configuration.CreateLogger();
    }

    /// <summary>
    /// Events for the log file only: start-up failures that the daemon already prints as one line on stderr.
    /// </summary>
    public static ILogger FileOnly(ILogger logger) => logger.ForContext(FileOnlyProperty, true);

    // A failed bind is logged by Kestrel (Critical) and by the host (Error), each with a ~30-line stack; the daemon
    // reports it as one line on stderr instead.
    private static bool IsKestrelStartFailure(LogEvent e) =>
        e.Level >= LogEventLevel.Error && e.Exception is IOException &&
        e.Properties.TryGetValue("SourceContext", out var source) && source.ToString() is
            "\"Microsoft.AspNetCore.Server.Kestrel\"" or "\"Microsoft.Extensions.Hosting.Internal.Host\"";
}
