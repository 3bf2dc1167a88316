using System.Collections;
using JindoMeta.Server.Configuration;

namespace JindoMeta.Server.Tests;

public sealed class ConfigTests
{
    private static readonly IDictionary NoEnvironment = new Hashtable();

    [Fact]
    public void Later_sources_win_defaults_then_file_then_environment_then_command_line()
    {
        var config = EffectiveConfig.Load("site.cfg",
            ["dfs.replication = 2", "namespace.rpc.port = 9000", "jfs.namespaces = a"],
            new Hashtable { ["JINDOMETA_NAMESPACE_RPC_PORT"] = "9001", ["JINDOMETA_JFS_NAMESPACES"] = "b" },
            ["jfs.namespaces=c"]);

        Assert.Equal(("2", ConfigSource.File), (config["dfs.replication"], config.SourceOf("dfs.replication")));
        Assert.Equal(("9001", ConfigSource.Environment), (config["namespace.rpc.port"], config.SourceOf("namespace.rpc.port")));
        Assert.Equal(("c", ConfigSource.CommandLine), (config["jfs.namespaces"], config.SourceOf("jfs.namespaces")));
        Assert.Equal(("rocksdb", ConfigSource.Default), (config["namespace.backend.type"], config.SourceOf("namespace.backend.type")));
    }

    [Theory]
    [InlineData("namespace.rpc.prot = 1", "site.cfg:1: unknown key namespace.rpc.prot (did you mean namespace.rpc.port?)")]
    [InlineData("namespace.rpc.port = 70000", "site.cfg:1: namespace.rpc.port = '70000' must be an integer within [0, 65535]")]
    [InlineData("namespace.backend.type = mysql", "site.cfg:1: namespace.backend.type = 'mysql' must be one of rocksdb, raft, ots")]
    [InlineData("dfs.blocksize = 12x", "site.cfg:1: dfs.blocksize = '12x' must be a size in bytes (suffixes k, m, g allowed) within [1m, 1024g]")]
    [InlineData("jfs.namespaces = a,,b", "site.cfg:1: jfs.namespaces = 'a,,b' must be a comma-separated list of names without empty entries")]
    [InlineData("fs.permissions.umask-mode = 089", "site.cfg:1: fs.permissions.umask-mode = '089' must be an octal mode such as 022")]
    [InlineData("just some words", "site.cfg:1: expected 'key = value' after 'just'")]
    public void A_bad_file_line_is_one_error_naming_the_place_and_the_key(string line, string expected)
    {
        var error = Assert.Throws<ConfigException>(() => EffectiveConfig.Load("site.cfg", [line], NoEnvironment, []));

        Assert.Equal(expected, error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Theory]
    [InlineData("namespace.ots.accessSecret: Sup3rS3cret")]
    [InlineData("namespace.ots.accessSecret Sup3rS3cret")]
    public void A_malformed_line_never_echoes_what_follows_the_key(string line)
    {
        var fromFile = Assert.Throws<ConfigException>(() => EffectiveConfig.Load("site.cfg", [line], NoEnvironment, []));
        var fromCommandLine = Assert.Throws<ConfigException>(() => EffectiveConfig.Load(null, null, NoEnvironment, [line]));

        Assert.Equal("site.cfg:1: expected 'key = value' after 'namespace.ots.accessSecret'", fromFile.Message);
        Assert.DoesNotContain("Sup3rS3cret", fromFile.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Sup3rS3cret", fromCommandLine.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_key_set_twice_in_the_file_is_an_error()
    {
        var error = Assert.Throws<ConfigException>(() => EffectiveConfig.Load("site.cfg", ["# header", "dfs.replication = 2", "", "dfs.replication = 3"], NoEnvironment, []));

        Assert.Equal("site.cfg:4: dfs.replication is set twice in the file", error.Message);
    }

    [Fact]
    public void An_unknown_JINDOMETA_environment_variable_is_an_error_naming_it()
    {
        var error = Assert.Throws<ConfigException>(() => EffectiveConfig.Load(null, null, new Hashtable { ["JINDOMETA_DATA_DIR"] = "/x" }, []));

        Assert.StartsWith("environment variable JINDOMETA_DATA_DIR names no configuration key", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Secrets_are_masked_in_the_printed_config_and_in_errors()
    {
        var config = EffectiveConfig.Load(null, null, NoEnvironment, ["namespace.ots.accessSecret=TopSecret123", "namespace.ots.accessKey=KeyId42"]);

        var printed = config.Print();

        Assert.Contains("namespace.ots.accessSecret = ******   # commandline", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("TopSecret123", printed, StringComparison.Ordinal);
        Assert.DoesNotContain("KeyId42", printed, StringComparison.Ordinal);
        var error = Assert.Throws<ConfigException>(() => EffectiveConfig.Load(null, null, NoEnvironment, ["namespace.ots.accessSecret="]));
        Assert.Equal("-D namespace.ots.accessSecret: namespace.ots.accessSecret = ****** must not be empty", error.Message);
    }

    [Fact]
    public void Typed_settings_read_every_tuning()
    {
        var config = EffectiveConfig.Load(null, null, NoEnvironment,
            ["namespace.backend.rocksdb.write-buffer-size=32m", "namespace.backend.rocksdb.compression=zstd", "fs.permissions.umask-mode=027",
             "hadoop.user.group.static.mapping.overrides=alice=staff,dev;bob=;", "jfs.namespaces=a,b"]);

        var settings = ServerSettings.From(config);

        Assert.Equal(32L << 20, settings.RocksDb.WriteBufferSizeBytes);
        Assert.Equal(JindoMeta.RocksDb.RocksCompression.Zstd, settings.RocksDb.Compression);
        Assert.Equal(0x17, settings.Umask);
        Assert.Equal(["staff", "dev"], settings.GroupOverrides["alice"]);
        Assert.Empty(settings.GroupOverrides["bob"]);
        Assert.Equal(["a", "b"], settings.Namespaces);
    }

    [Fact]
    public void The_ots_backend_without_its_tablestore_keys_is_one_line_naming_the_first_missing()
    {
        var config = EffectiveConfig.Load(null, null, NoEnvironment, ["namespace.backend.type=ots"]);

        var error = Assert.Throws<ConfigException>(() => ServerSettings.From(config));

        Assert.Equal("namespace.backend.type = ots needs namespace.ots.endpoint", error.Message);
    }

    [Fact]
    public void The_ots_backend_reads_its_lease_ha_and_cache_keys()
    {
        var config = EffectiveConfig.Load(null, null, NoEnvironment,
        [
            "namespace.backend.type=ots", "namespace.ots.endpoint=http://127.0.0.1:8086", "namespace.ots.instance=inst",
            "namespace.ots.accessKey=id", "namespace.ots.accessSecret=secret", "namespace.backend.ots.ha=true",
            "namespace.backend.ots.lease-ms=3000", "namespace.backend.ots.cache-entries=5000",
        ]);

        var ots = ServerSettings.From(config).Ots!;

        Assert.True(ots.HighAvailability);
        Assert.Equal(TimeSpan.FromSeconds(3), ots.Lease);
        Assert.Equal(5000, ots.CacheEntries);
        Assert.Equal("inst", ots.TableStore.InstanceName);
    }

    [Theory]
    [InlineData("safe", JindoMeta.Raft.ReadOnlyMode.Safe)]
    [InlineData("lease", JindoMeta.Raft.ReadOnlyMode.LeaseBased)]
    public void The_raft_read_mode_key_picks_readindex_or_lease_reads(string value, JindoMeta.Raft.ReadOnlyMode expected)
    {
        var config = EffectiveConfig.Load(null, null, NoEnvironment,
            ["namespace.backend.type=raft", "namespace.rpc.bind-host=127.0.0.1", "namespace.backend.raft.initial-conf=127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.3:8103:0", $"namespace.backend.raft.read-mode={value}"]);

        Assert.Equal(expected, ServerSettings.From(config).RaftReadMode);
        var wrong = Assert.Throws<ConfigException>(() => EffectiveConfig.Load(null, null, NoEnvironment, ["namespace.backend.raft.read-mode=fast"]));
        Assert.Contains("namespace.backend.raft.read-mode", wrong.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "namespace.backend.type=raft" }, "namespace.backend.type = raft needs namespace.backend.raft.initial-conf")]
    [InlineData(new[] { "namespace.backend.type=raft", "namespace.backend.raft.initial-conf=127.0.0.1:8103:0,127.0.0.2:8103:0" }, "lists 2 member(s)")]
    [InlineData(new[] { "namespace.backend.type=raft", "namespace.rpc.bind-host=127.0.0.9", "namespace.backend.raft.initial-conf=127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.3:8103:0" }, "none of the members")]
    [InlineData(new[]
    {
        "namespace.backend.type=raft", "namespace.rpc.bind-host=127.0.0.1", "namespace.backend.raft.initial-conf=127.0.0.1:8103:0,127.0.0.2:8103:0,127.0.0.3:8103:0",
        "namespace.backend.raft.recovery.mode=true", "namespace.backend.raft.async.ots.enabled=true", "namespace.ots.endpoint=http://127.0.0.1:9",
        "namespace.ots.instance=emulator", "namespace.ots.accessKey=id", "namespace.ots.accessSecret=secret",
    }, "namespace.backend.raft.recovery.mode = true reads the replica that namespace.backend.raft.async.ots.enabled = true writes")]
    public void A_raft_configuration_that_cannot_work_is_one_error_naming_the_key(string[] overrides, string expected)
    {
        var config = EffectiveConfig.Load(null, null, NoEnvironment, overrides);

        var error = Assert.Throws<ConfigException>(() => ServerSettings.From(config));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Message);
    }

    /// <summary>config/jindometa.cfg documents every key with its default; this keeps the two in step.</summary>
    [Fact]
    public void The_documented_config_file_lists_every_key_with_its_default()
    {
        var documented = File.ReadAllLines(Path.Combine(RepoRoot(), "config", "jindometa.cfg"))
            .Where(l => l.StartsWith("# ", StringComparison.Ordinal) && l.Contains(" = ", StringComparison.Ordinal))
            .Select(l => l[2..].Split(" = ", 2))
            .Where(p => ConfigKeys.Find(p[0]) is not null)
            .ToDictionary(p => p[0], p => p[1]);

        foreach (var key in ConfigKeys.All)
        {
            Assert.True(documented.ContainsKey(key.Name), $"config/jindometa.cfg does not document {key.Name}");
            if (key.Default is not null && key.Name != ConfigKeys.SuperUser)
            {
                Assert.Equal(key.Default, documented[key.Name]);
            }
        }
    }

    internal static string RepoRoot()
    {
        var directory = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(directory, "JindoMeta.sln")))
        {
            directory = Path.GetDirectoryName(directory) ?? throw new InvalidOperationException("JindoMeta.sln not found above the test binaries");
        }

        return directory;
    }
}
