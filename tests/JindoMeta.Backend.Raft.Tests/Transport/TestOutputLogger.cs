using System.Diagnostics;
using Microsoft.Extensions.Logging;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Raft.Tests.Transport;

/// <summary>Writes log entries at Information and above to the test's output, so a failure shows what the transport saw.</summary>
internal sealed class TestOutputLogger(ITestOutputHelper output, string category) : ILogger
{
    private static readonly long Origin = Stopwatch.GetTimestamp();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        try
        {
            output.WriteLine($"{Stopwatch.GetElapsedTime(Origin).TotalSeconds,8:F3} {category} {logLevel}: {formatter(state, exception)}");
        }
        catch (InvalidOperationException)
        {
            // The test already finished; xunit refuses late output.
        }
    }
}
