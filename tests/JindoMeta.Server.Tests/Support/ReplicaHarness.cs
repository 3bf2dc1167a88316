using System.Globalization;
using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Schema;
using JindoMeta.Replication;
using JindoMeta.RocksDb;
using JindoMeta.TableStore;
using JindoMeta.TableStore.Emulator;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Support;

/// <summary>
/// A Tablestore emulator in the test process (faults changeable while it runs) and daemons uploading to it: starts
/// them, waits for `_synced=1`, and compares a stopped daemon's RocksDB store with the replica table row by row.
/// </summary>
public sealed class ReplicaHarness : IAsyncDisposable
{
    public const string Namespace = "test";

    private readonly TempDirectory _temp = new();
    private readonly List<DaemonProcess> _daemons = [];

    private ReplicaHarness(TableStoreEmulator emulator)
    {
        Emulator = emulator;
        Client = new TableStoreClient(emulator.ClientOptions() with { RetryDeadline = TimeSpan.FromSeconds(30) });
    }

    public TableStoreEmulator Emulator { get; }

    /// <summary>Our Tablestore client, for reading the replica back.</summary>
    public TableStoreClient Client { get; }

    public static string Table => ReplicaTable.TableName(Namespace);

    public static async Task<ReplicaHarness> StartAsync() =>
        new(await TableStoreEmulator.StartAsync(new EmulatorOptions { Port = 0 }));

    public string DataDirectory(string name) => _temp.Sub(name);

    /// <summary>The `-D` settings that turn upload on against the emulator, for the rocksdb or the raft backend.</summary>
    public string[] UploadSettings(string backend = RocksDbNamespaceBackend.TypeName) =>
        ["-D", $"namespace.backend.{backend}.async.ots.enabled=true", .. TableStoreSettings()];

    /// <summary>The `-D` settings of recovery mode against the emulator, for the rocksdb or the raft backend.</summary>
    public string[] RecoverySettings(string backend = RocksDbNamespaceBackend.TypeName) =>
        ["-D", $"namespace.backend.{backend}.recovery.mode=true", .. TableStoreSettings()];

    private string[] TableStoreSettings() =>
    [
        "-D", $"namespace.ots.endpoint={Emulator.Endpoint}",
        "-D", $"namespace.ots.instance={Emulator.Options.InstanceName}",
        "-D", $"namespace.ots.accessKey={Emulator.Options.AccessKeyId}",
        "-D", $"namespace.ots.accessSecret={Emulator.Options.AccessKeySecret}",
    ];

    public Task<DaemonProcess> StartDaemonAsync(string dataName) => StartDaemonAsync(dataName, UploadSettings());

    public async Task<DaemonProcess> StartDaemonAsync(string dataName, string[] settings)
    {
        var daemon = await DaemonProcess.StartAsync(DataDirectory(dataName), settings);
        _daemons.Add(daemon);
        return daemon;
    }

    /// <summary>The namespace's metaStatus properties (with -detail).</summary>
    public static async Task<IReadOnlyDictionary<string, string>> StatusAsync(RawClient client)
    {
        var status = await client.MetaStatusAsync(detail: true);
        return status.Namespaces.Single(n => n.Name == Namespace).Properties;
    }

    /// <summary>Polls metaStatus until `_synced=1`; fails with the last status seen.</summary>
    public static async Task<IReadOnlyDictionary<string, string>> WaitForSyncedAsync(RawClient client, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyDictionary<string, string> last;
        do
        {
            last = await StatusAsync(client);
            if (last["_synced"] == "1")
            {
                return last;
            }

            await Task.Delay(50);
        }
        while (DateTime.UtcNow < deadline);

        throw new Xunit.Sdk.XunitException($"not _synced=1 within {timeout}: {string.Join(" ", last.Select(p => $"{p.Key}={p.Value}"))}");
    }

    /// <summary>The replicated rows of a stopped daemon's store: "parent/name" → value hex (dentries and next-inode-id).</summary>
    public SortedDictionary<string, string> LocalRows(string dataName) =>
        StoreRows(Path.Combine(DataDirectory(dataName), Namespace), RocksDbNamespaceBackend.TypeName);

    /// <summary>The replicated rows of the closed store at <paramref name="storeDirectory"/> (a rocksdb store, or a raft node's state).</summary>
    public static SortedDictionary<string, string> StoreRows(string storeDirectory, string backendType)
    {
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        using var store = NamespaceStore.Open(storeDirectory, new RocksDbOptions(), backendType,
            () => throw new InvalidOperationException("the store should exist"));
        using (var iterator = store.Database.NewIterator(store.Dentries))
        {
            for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
            {
                var (parent, name) = NamespaceSchema.ParseDentryKey(iterator.Key);
                rows[RowName(parent, name)] = Convert.ToHexString(iterator.Value);
            }
        }

        rows[RowName(ReplicaTable.MetaParent, "next-inode-id")] = Convert.ToHexString(store.Database.Get(store.Meta, NamespaceSchema.MetaKeys.NextInodeId)!);
        return rows;
    }

    /// <summary>The replica's data rows read back with our client (the checkpoint row left out), in the same shape.</summary>
    public async Task<SortedDictionary<string, string>> ReplicaRowsAsync()
    {
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        var all = new RangeQuery(Table, PrimaryKey.Of((ReplicaTable.ParentColumn, ColumnValue.InfMin), (ReplicaTable.NameColumn, ColumnValue.InfMin)), PrimaryKey.Of((ReplicaTable.ParentColumn, ColumnValue.InfMax), (ReplicaTable.NameColumn, ColumnValue.InfMax)));
        await foreach (var row in Client.GetRangeAsync(all))
        {
            var parent = row.PrimaryKey[ReplicaTable.ParentColumn].AsInteger();
            if (parent == ReplicaTable.BookkeepingParent)
            {
                continue;
            }

            if (row.GetColumn(ReplicaTable.ValueColumn) is { } value) // else a tombstone: the row was deleted
            {
                rows[RowName(parent, row.PrimaryKey[ReplicaTable.NameColumn].AsString())] = Convert.ToHexString(value.Value.AsBinary());
            }
        }

        return rows;
    }

    /// <summary>The replica's checkpoint row as it stands.</summary>
    public async Task<CheckpointState> ReadCheckpointAsync() =>
        await new ReplicaCheckpoint(Client, Table, Namespace, storeId: "", TimeProvider.System).ReadAsync(CancellationToken.None)
        ?? throw new Xunit.Sdk.XunitException($"table {Table} has no checkpoint row");

    /// <summary>
    /// The replica read by the official Tablestore Node SDK (node/replica-dump.js): its data rows in the shape of
    /// <see cref="LocalRows"/>, and the checkpoint index.
    /// </summary>
    public async Task<(SortedDictionary<string, string> Rows, long Checkpoint)> ReplicaRowsByNodeSdkAsync()
    {
        var lines = await PeerScript.RunNodeAsync("replica-dump.js", new Dictionary<string, string>
        {
            ["OTS_ENDPOINT"] = Emulator.Endpoint.ToString().TrimEnd('/'),
            ["OTS_INSTANCE"] = Emulator.Options.InstanceName,
            ["OTS_KEY_ID"] = Emulator.Options.AccessKeyId,
            ["OTS_SECRET"] = Emulator.Options.AccessKeySecret,
        }, Table);
        var rows = new SortedDictionary<string, string>(StringComparer.Ordinal);
        long checkpoint = -1;
        foreach (var fields in lines.Select(line => line.Split(' ')))
        {
            if (fields[0] == "checkpoint")
            {
                checkpoint = long.Parse(fields[1], CultureInfo.InvariantCulture);
            }
            else
            {
                rows[fields[0]] = fields[1];
            }
        }

        return (rows, checkpoint);
    }

    /// <summary>The replica equals the store, row by row; the message names the first rows that differ.</summary>
    public async Task AssertReplicaEqualsStoreAsync(string dataName) => AssertSameRows(LocalRows(dataName), await ReplicaRowsAsync());

    public static void AssertSameRows(SortedDictionary<string, string> local, SortedDictionary<string, string> replica)
    {
        var missing = local.Keys.Except(replica.Keys).Take(5).ToList();
        var extra = replica.Keys.Except(local.Keys).Take(5).ToList();
        var different = local.Keys.Intersect(replica.Keys).Where(k => local[k] != replica[k]).Take(5).ToList();
        Assert.True(missing.Count == 0 && extra.Count == 0 && different.Count == 0,
            $"replica differs from the store ({local.Count} local rows, {replica.Count} replica rows): missing [{string.Join(", ", missing)}] " +
            $"extra [{string.Join(", ", extra)}] different [{string.Join(", ", different)}]");
    }

    /// <summary>A tree built with every kind of write: mkdirs, creates and completes, renames of files and directories, deletes, chmod.</summary>
    public static async Task BuildTreeAsync(RawClient client, string root, int files)
    {
        await client.MkdirsAsync($"{root}/a/b/c");
        await client.MkdirsAsync($"{root}/keep");
        await Parallel.ForEachAsync(Enumerable.Range(0, files), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var path = $"{root}/a/b/f{i.ToString(CultureInfo.InvariantCulture)}";
            await client.CreateAsync(path);
            await client.CompleteAsync(path, i + 1);
        });
        await client.CallAsync((ns, options) => ns.RenameAsync(new Proto.RenameRequest { Source = $"{root}/a/b/f0", Destination = $"{root}/keep/moved" }, options));
        await client.CallAsync((ns, options) => ns.RenameAsync(new Proto.RenameRequest { Source = $"{root}/a/b/c", Destination = $"{root}/keep/c2" }, options));
        await client.DeleteAsync($"{root}/a/b/f1", recursive: false);
        await client.CallAsync((ns, options) => ns.SetPermissionAsync(new Proto.SetPermissionRequest { Path = $"{root}/keep", Permission = Convert.ToUInt32("700", 8) }, options));
        await client.MkdirsAsync($"{root}/gone/x/y");
        await client.DeleteAsync($"{root}/gone", recursive: true);
        await client.CreateAsync($"{root}/a/b/f1"); // a name deleted, then created again
    }

    /// <summary>What the seed compares before and after: `-count`, `-ls -R` and `-stat` of a tree built at /t, through the real `jindo`.</summary>
    public static async Task<string[]> TreeViewsAsync(string address)
    {
        var views = new List<string>();
        foreach (var args in new[]
        {
            new[] { "fs", "-count", "jfs://test/" },
            ["fs", "-ls", "-R", "jfs://test/"],
            ["fs", "-stat", "%F %a %u:%g %b %y %Y %n", "jfs://test/t/a/b/f7"],
            ["fs", "-stat", "%F %a %u:%g %y %n", "jfs://test/t/keep"],
        })
        {
            var result = await JindoCli.RunAsync(address, args);
            Assert.True(result.ExitCode == 0, $"jindo {string.Join(' ', args)}: {result.Error}");
            views.Add(result.Out);
        }

        return [.. views];
    }

    private static string RowName(long parent, string name) => $"{parent.ToString(CultureInfo.InvariantCulture)}/{name}";

    public async ValueTask DisposeAsync()
    {
        foreach (var daemon in _daemons)
        {
            await daemon.DisposeAsync();
        }

        Client.Dispose();
        await Emulator.DisposeAsync();
        _temp.Dispose();
    }
}
