using System.Globalization;
using System.Runtime.InteropServices;
using Microsoft.AspNetCore.Connections;

namespace JindoMeta.TableStore.Emulator;

/// <summary>
/// <c>tablestore-emulator [--port 8086] [--instance emulator] [--access-key-id ID] [--access-key-secret SECRET]
/// [--data-dir DIR] [--storage rocksdb|log] [--latency-ms N] [--busy-rate R] [--timeout-rate R] [--drop-rate R]</c>, or <c>tablestore-emulator --benchmark</c>. The secret may also come
/// from the environment variable TABLESTORE_EMULATOR_SECRET so it stays out of process listings.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args is ["--benchmark", ..])
        {
            // Measurement mode (see Diagnostics/TableStoreBenchmark): prints a table and a JSON line.
            await Diagnostics.TableStoreBenchmark.RunAsync(new Diagnostics.TableStoreBenchmarkOptions(), Console.Out).ConfigureAwait(false);
            return 0;
        }
        EmulatorOptions options;
        try
        {
            options = Parse(args);
        }
        catch (ArgumentException e)
        {
            await Console.Error.WriteLineAsync("tablestore-emulator: " + e.Message).ConfigureAwait(false);
            await Console.Error.WriteLineAsync("usage: tablestore-emulator [--port N] [--instance NAME] [--access-key-id ID] [--access-key-secret S] [--data-dir DIR] [--storage rocksdb|log] [--latency-ms N] [--busy-rate R] [--timeout-rate R] [--drop-rate R]").ConfigureAwait(false);
            return 2;
        }
        // One shutdown path: SIGTERM or SIGINT completes stopSignal (cancelling the runtime's default termination),
        // then the emulator is disposed (in-flight requests finish, the store closes) and Main returns 0. The
        // registrations are taken before start-up and released last, so no signal can cut a start or a drain short.
        var stopSignal = new TaskCompletionSource<PosixSignal>(TaskCreationOptions.RunContinuationsAsynchronously);
        void OnSignal(PosixSignalContext context)
        {
            context.Cancel = true;
            stopSignal.TrySetResult(context.Signal);
        }
        using var onTerminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var onInterrupt = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        TableStoreEmulator emulator;
        try
        {
            emulator = await TableStoreEmulator.StartAsync(options).ConfigureAwait(false);
        }
        catch (Exception e) when (StartFailure(e, options) is { } reason)
        {
            // An environment problem the operator fixes: one line, no stack trace (README: exit code 1).
            await Console.Error.WriteLineAsync("tablestore-emulator: " + reason).ConfigureAwait(false);
            return 1;
        }
        await using (emulator)
        {
            Console.WriteLine($"tablestore-emulator listening on {emulator.Endpoint} ({options})");
            var signal = await stopSignal.Task.ConfigureAwait(false);
            Console.WriteLine($"tablestore-emulator stopping on {signal}");
        }
        Console.WriteLine("tablestore-emulator stopped");
        return 0;
    }

    /// <summary>The one-line reason for a start-up failure the operator can fix, or null for a bug (stack trace, 134).</summary>
    private static string? StartFailure(Exception e, EmulatorOptions options) => e switch
    {
        DataDirectoryInUseException inUse => inUse.Message,
        IOException { InnerException: AddressInUseException } => $"port {options.Port} on 127.0.0.1 is in use by another process: stop it, or pass another --port (0 picks a free one)",
        _ => null,
    };

    private static EmulatorOptions Parse(string[] args)
    {
        var options = new EmulatorOptions { Port = 8086 };
        var faults = FaultOptions.None;
        if (Environment.GetEnvironmentVariable("TABLESTORE_EMULATOR_SECRET") is { Length: > 0 } secret)
        {
            options = options with { AccessKeySecret = secret };
        }
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value");
            switch (name)
            {
                case "--port": options = options with { Port = Integer(name, Value(), 0, 65535) }; break;
                case "--instance": options = options with { InstanceName = Value() }; break;
                case "--access-key-id": options = options with { AccessKeyId = Value() }; break;
                case "--access-key-secret": options = options with { AccessKeySecret = Value() }; break;
                case "--data-dir": options = options with { DataDirectory = Value() }; break;
                case "--storage":
                    options = options with
                    {
                        Storage = Value() switch
                        {
                            "rocksdb" => EmulatorStorage.RocksDb,
                            "log" => EmulatorStorage.Log,
                            var other => throw new ArgumentException($"--storage must be rocksdb or log, got '{other}'"),
                        },
                    };
                    break;
                case "--latency-ms": faults = faults with { Latency = TimeSpan.FromMilliseconds(Integer(name, Value(), 0, 600_000)) }; break;
                case "--busy-rate": faults = faults with { ServerBusyRate = Rate(name, Value()) }; break;
                case "--timeout-rate": faults = faults with { TimeoutRate = Rate(name, Value()) }; break;
                case "--drop-rate": faults = faults with { DropConnectionRate = Rate(name, Value()) }; break;
                default: throw new ArgumentException($"unknown option {name}");
            }
        }
        return options with { Faults = faults };
    }

    private static int Integer(string name, string text, int min, int max) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max
            ? value
            : throw new ArgumentException($"{name} must be an integer in [{min}, {max}], got '{text}'");

    private static double Rate(string name, string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value is >= 0 and <= 1
            ? value
            : throw new ArgumentException($"{name} must be a fraction in [0, 1], got '{text}'");
}
