using System.Diagnostics;
using JindoMeta.Client;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Tests.EndToEnd;

/// <summary>
/// One real `jindometa` daemon process per test class (port 0, its own temp data dir, namespace "test", superuser
/// "admin" in group supergroup, bob in staff), and the real `jindo` process to drive it.
/// </summary>
public sealed class DaemonFixture : IAsyncLifetime
{
    public const string Namespace = "test";
    public const string Admin = "admin";
    private const string ServingPrefix = "jindometa: serving on ";
    private readonly string _dataDirectory = Path.Combine(Path.GetTempPath(), "jindo-cli-e2e-" + Guid.NewGuid().ToString("N"));
    private Process? _daemon;
    private JindoMetaClient? _client;

    public string Address { get; private set; } = "";

    /// <summary>A client acting as the superuser, for arranging state the CLI cannot (file lengths, fixed times).</summary>
    public JindoMetaClient Client => _client!;

    public static string DotnetHost => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    public static string BinaryDirectory => AppContext.BaseDirectory;

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(_dataDirectory);
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            Path.Combine(BinaryDirectory, "jindometa.dll"),
            "-D", $"jfs.namespaces={Namespace}", "-D", $"namespace.data.dir={_dataDirectory}", "-D", "namespace.rpc.port=0", "-D", "namespace.metrics.port=0",
            "-D", "namespace.rpc.bind-host=127.0.0.1", "-D", "namespace.log.dir=", "-D", "namespace.log.level=warning",
            "-D", $"namespace.permissions.superuser={Admin}", "-D", "hadoop.user.group.static.mapping.overrides=admin=supergroup;bob=staff",
            "-D", "namespace.backend.rocksdb.sync-writes=false",
        })
        {
            start.ArgumentList.Add(arg);
        }

        _daemon = Process.Start(start) ?? throw new InvalidOperationException("could not start jindometa");
        var errors = _daemon.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            var line = await _daemon.StandardOutput.ReadLineAsync(timeout.Token)
                ?? throw new InvalidOperationException($"jindometa exited before serving: {await errors}");
            if (line.StartsWith(ServingPrefix, StringComparison.Ordinal))
            {
                Address = line[ServingPrefix.Length..].Trim();
                break;
            }
        }

        _ = _daemon.StandardOutput.ReadToEndAsync(); // keep draining so the daemon never blocks on a full pipe
        _client = new JindoMetaClient(new JindoMetaClientOptions { Addresses = [Address], User = Admin });
    }

    public async Task DisposeAsync()
    {
        _client?.Dispose();
        if (_daemon is { HasExited: false })
        {
            _daemon.Kill(entireProcessTree: true);
            await _daemon.WaitForExitAsync();
        }

        _daemon?.Dispose();
        try
        {
            Directory.Delete(_dataDirectory, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Runs `jindo ARGS` as <paramref name="user"/> against this daemon with TZ=UTC.</summary>
    public Task<CliResult> JindoAsync(params string[] args) => RunJindoAsync(Admin, Address, args);

    public static async Task<CliResult> RunJindoAsync(string user, string? rpcAddress, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(BinaryDirectory, "jindo.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment["TZ"] = "UTC";
        start.Environment["HADOOP_USER_NAME"] = user;
        start.Environment.Remove("JINDO_CONF_DIR");
        start.Environment.Remove("JINDO_RPC_TIMEOUT");
        if (rpcAddress is { } value)
        {
            start.Environment["JINDO_RPC_ADDRESS"] = value;
        }
        else
        {
            start.Environment.Remove("JINDO_RPC_ADDRESS");
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliResult(process.ExitCode, await output, await error);
    }

    public Task<CliResult> JindoAsAsync(string user, params string[] args) => RunJindoAsync(user, Address, args);

    /// <summary>Gives a path a fixed modification time so listings can be compared exactly.</summary>
    public Task SetTimeAsync(string path, DateTimeOffset time) =>
        Client.SetTimesAsync(new SetTimesRequest { Namespace = Namespace, Path = path, ModificationTime = time.ToUnixTimeMilliseconds(), AccessTime = -1 });
}

public sealed record CliResult(int ExitCode, string Out, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout\n{Out}--- stderr\n{Error}";
}
