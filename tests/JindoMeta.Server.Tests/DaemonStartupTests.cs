using System.Net;
using System.Net.Sockets;
using JindoMeta.Server.Tests.Support;

namespace JindoMeta.Server.Tests;

/// <summary>The daemon as operators start it: bad configuration and bad data directories stop it with one clear line.</summary>
public sealed class DaemonStartupTests : IDisposable
{
    private readonly TempDirectory _temp = new();

    public void Dispose() => _temp.Dispose();

    [Theory]
    [InlineData("-D", "namespace.rpc.prot=1", "jindometa: configuration error: -D namespace.rpc.prot: unknown key namespace.rpc.prot (did you mean namespace.rpc.port?)")]
    [InlineData("-D", "namespace.backend.rocksdb.compression=brotli", "jindometa: configuration error: -D namespace.backend.rocksdb.compression: namespace.backend.rocksdb.compression = 'brotli' must be one of none, snappy, lz4, zstd")]
    [InlineData("--config", "/nonexistent/jindometa.cfg", "jindometa: configuration error: cannot read config file /nonexistent/jindometa.cfg: Could not find a part of the path '/nonexistent/jindometa.cfg'.")]
    [InlineData("--frobnicate", "", "jindometa: configuration error: unknown argument '--frobnicate' (see --help)")]
    public async Task A_configuration_error_is_one_line_on_stderr_and_exit_code_2(string flag, string value, string expected)
    {
        string[] arguments = value.Length == 0 ? [flag] : [flag, value];

        var (exitCode, stdout, stderr) = await DaemonProcess.RunToExitAsync(null, arguments);

        Assert.Equal(2, exitCode);
        Assert.Equal(expected, stderr.TrimEnd('\n'));
        Assert.Equal("", stdout);
    }

    [Fact]
    public async Task A_bad_environment_value_names_the_variable_and_the_key()
    {
        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync(new Dictionary<string, string> { ["JINDOMETA_DFS_REPLICATION"] = "999" });

        Assert.Equal(2, exitCode);
        Assert.Equal("jindometa: configuration error: environment JINDOMETA_DFS_REPLICATION: dfs.replication = '999' must be an integer within [1, 512]", stderr.Trim());
    }

    [Fact]
    public async Task Print_config_shows_sources_and_masks_secrets()
    {
        var file = _temp.Sub("site.cfg");
        await File.WriteAllLinesAsync(file, ["namespace.ots.accessSecret = s3cr3t-value", "dfs.replication = 2"]);

        var (exitCode, stdout, _) = await DaemonProcess.RunToExitAsync(null, "--config", file, "-D", "jfs.namespaces=alpha", "--print-config");

        Assert.Equal(0, exitCode);
        Assert.Contains("dfs.replication = 2   # file", stdout, StringComparison.Ordinal);
        Assert.Contains("jfs.namespaces = alpha   # commandline", stdout, StringComparison.Ordinal);
        Assert.Contains("namespace.ots.accessSecret = ******   # file", stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("s3cr3t-value", stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_data_directory_of_another_kind_stops_start_up_naming_the_namespace()
    {
        Directory.CreateDirectory(_temp.Sub("data/test"));
        await File.WriteAllTextAsync(_temp.Sub("data/test/fsimage"), "an HDFS image, not ours");

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync(null, "-D", $"namespace.data.dir={_temp.Sub("data")}", "-D", "namespace.log.dir=", "-D", "namespace.rpc.port=0");

        Assert.Equal(1, exitCode);
        Assert.Contains($"jindometa: cannot open the namespace stores: namespace 'test': The data directory {_temp.Sub("data/test")} is not empty and holds no RocksDB store", stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(_temp.Sub("data/test/fsimage")));
    }

    [Fact]
    public async Task A_port_in_use_stops_start_up_with_the_address()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var (exitCode, _, stderr) = await DaemonProcess.RunToExitAsync(null,
            "-D", $"namespace.data.dir={_temp.Sub("data")}", "-D", "namespace.log.dir=", "-D", "namespace.rpc.bind-host=127.0.0.1", "-D", $"namespace.rpc.port={port}");

        Assert.Equal(1, exitCode);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)); // not Kestrel's 30-line stack
        Assert.StartsWith($"jindometa: cannot listen on 127.0.0.1:{port}: the address is already in use", line, StringComparison.Ordinal);
        Assert.Contains("namespace.rpc.port", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_systemd_unit_passes_systemd_analyze_verify()
    {
        var unit = Path.Combine(ConfigTests.RepoRoot(), "deploy", "jindometa.service");
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("systemd-analyze", ["verify", unit])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        })!;
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();

        Assert.True(process.ExitCode == 0 && errors.Trim().Length == 0, $"systemd-analyze verify failed: {errors}");
    }
}
