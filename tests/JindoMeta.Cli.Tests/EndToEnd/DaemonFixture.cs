using System.Diagnostics;
using System.Text;
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
    private IReadOnlyList<string> _settings = [];

    public string Address { get; private set; } = "";

    /// <summary>A client acting as the superuser, for arranging state the CLI cannot (file lengths, fixed times).</summary>
    public JindoMetaClient Client => _client!;

    public static string DotnetHost => Environment.ProcessPath is { } p && Path.GetFileNameWithoutExtension(p) == "dotnet" ? p : "dotnet";

    public static string BinaryDirectory => AppContext.BaseDirectory;

    /// <summary>The data directory (the namespace store, and the local block store under blocks/).</summary>
    public string DataDirectory => _dataDirectory;

    /// <summary>A daemon with extra -D settings (key=value), for tests that need their own; dispose it.</summary>
    public static async Task<DaemonFixture> StartAsync(params string[] settings)
    {
        var daemon = new DaemonFixture { _settings = settings };
        await daemon.InitializeAsync();
        return daemon;
    }

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

        foreach (var setting in _settings)
        {
            start.ArgumentList.Add("-D");
            start.ArgumentList.Add(setting);
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
        var (code, output, error) = await RunJindoBytesAsync(user, rpcAddress, args, null);
        return new CliResult(code, Encoding.UTF8.GetString(output), error);
    }

    /// <summary>Runs `jindo ARGS` with <paramref name="input"/> on its standard input; its standard output as bytes.</summary>
    public static async Task<(int ExitCode, byte[] Out, string Error)> RunJindoBytesAsync(string user, string? rpcAddress, IReadOnlyList<string> args, byte[]? input)
    {
        using var process = StartJindo(user, rpcAddress, args);
        var output = new MemoryStream();
        var copying = process.StandardOutput.BaseStream.CopyToAsync(output);
        var error = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            await process.StandardInput.BaseStream.WriteAsync(input);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(120));
        await process.WaitForExitAsync(timeout.Token);
        await copying;
        return (process.ExitCode, output.ToArray(), await error);
    }

    /// <summary>Starts `jindo ARGS` with every stream redirected; the caller drains, feeds and ends it.</summary>
    public static Process StartJindo(string user, string? rpcAddress, IReadOnlyList<string> args)
    {
        var start = new ProcessStartInfo(DotnetHost)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
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

        return Process.Start(start)!;
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
