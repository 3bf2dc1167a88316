using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace JindoMeta.Cli.Tests.EndToEnd;

/// <summary>`jindo jfs -metaStatus` and how the CLI finds (or fails to find) its servers.</summary>
public sealed class JfsEndToEndTests(DaemonFixture daemon) : IClassFixture<DaemonFixture>
{
    [Fact]
    public async Task MetaStatus_reports_the_single_rocksdb_node_as_leader()
    {
        var result = await daemon.JindoAsync("jfs", "-metaStatus");

        Assert.True(result.ExitCode == 0 && result.Error.Length == 0, result.ToString());
        var lines = result.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("backend=rocksdb namespaces=1", lines[0]);
        Assert.Equal("namespace=test backend=rocksdb", lines[1]);
        Assert.Matches(new Regex($@"^  {Regex.Escape(daemon.Address)} LEADER state=RUNNING lastIndex=\d+$"), lines[2]);
        Assert.Equal("  _synced=n/a", lines[3]);
        Assert.Equal(4, lines.Length);

        var detail = await daemon.JindoAsync("jfs", "-metaStatus", "-detail");
        Assert.Equal(0, detail.ExitCode);
        Assert.True(detail.Out.Split('\n').Length > lines.Length + 1, detail.ToString()); // backend facts as extra key=value lines
    }

    [Fact]
    public async Task TransferLeader_on_the_rocksdb_backend_says_there_is_no_leader_to_move_and_bad_arguments_print_the_usage()
    {
        var result = await daemon.JindoAsync("jfs", "-transferLeader", "127.0.0.2:8103");
        Assert.Equal((1, ""), (result.ExitCode, result.Out));
        Assert.Equal("transferLeader: The rocksdb backend has no leader to transfer; only namespace.backend.type = raft elects one\n", result.Error);

        var missing = await daemon.JindoAsync("jfs", "-transferLeader");
        Assert.Equal(255, missing.ExitCode);
        Assert.StartsWith("-transferLeader: Not enough arguments: expected the new leader's host:port\nUsage: jindo jfs [generic options]\n", missing.Error, StringComparison.Ordinal);
        Assert.Contains("[-transferLeader <host:port> [<namespace>]]", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_rpc_address_option_wins_over_the_environment_and_a_config_file_is_read()
    {
        var dead = DeadAddress();
        var viaOption = await DaemonFixture.RunJindoAsync(DaemonFixture.Admin, dead, ["--rpc-address", daemon.Address, "fs", "-test", "-d", "jfs://test/"]);
        Assert.Equal(0, viaOption.ExitCode);

        var viaDefine = await DaemonFixture.RunJindoAsync(DaemonFixture.Admin, dead, ["fs", "-D", $"jfs.namespace.server.rpc-address={dead},{daemon.Address}", "-test", "-d", "jfs://test/"]);
        Assert.True(viaDefine.ExitCode == 0, viaDefine.ToString()); // the dead first address fails over

        var confDir = Directory.CreateTempSubdirectory("jindo-conf-");
        try
        {
            await File.WriteAllTextAsync(Path.Combine(confDir.FullName, "jindometa.cfg"), $"# client\njfs.namespace.server.rpc-address = {daemon.Address}\n");
            var viaFile = await RunWithConfDirAsync(confDir.FullName, ["fs", "-test", "-e", "jfs://test/"]);
            Assert.True(viaFile.ExitCode == 0, viaFile.ToString());
        }
        finally
        {
            confDir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task An_unreachable_server_fails_with_the_config_key_and_a_malformed_address_is_a_usage_error()
    {
        var dead = DeadAddress();
        var unreachable = await DaemonFixture.RunJindoAsync(DaemonFixture.Admin, dead, ["fs", "--timeout", "3", "-ls", "jfs://test/"]);
        Assert.Equal((1, ""), (unreachable.ExitCode, unreachable.Out));
        Assert.StartsWith($"ls: Cannot reach a JindoMeta server (jfs.namespace.server.rpc-address = {dead}; ", unreachable.Error, StringComparison.Ordinal);

        var malformed = await DaemonFixture.RunJindoAsync(DaemonFixture.Admin, "nonsense", ["fs", "-ls", "jfs://test/"]);
        Assert.Equal(255, malformed.ExitCode);
        Assert.Equal("jindo: jfs.namespace.server.rpc-address entry 'nonsense' is not host:port with a port in 1..65535 (value 'nonsense')\n", malformed.Error);
    }

    private static string DeadAddress()
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        socket.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return $"127.0.0.1:{((IPEndPoint)socket.LocalEndPoint!).Port}";
    }

    private static async Task<CliResult> RunWithConfDirAsync(string confDir, IReadOnlyList<string> args)
    {
        var start = new System.Diagnostics.ProcessStartInfo(DaemonFixture.DotnetHost) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Path.Combine(DaemonFixture.BinaryDirectory, "jindo.dll"));
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        start.Environment.Remove("JINDO_RPC_ADDRESS");
        start.Environment["JINDO_CONF_DIR"] = confDir;
        start.Environment["HADOOP_USER_NAME"] = DaemonFixture.Admin;
        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return new CliResult(process.ExitCode, await output, await error);
    }
}
