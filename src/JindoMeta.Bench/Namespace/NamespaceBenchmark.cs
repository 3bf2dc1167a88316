using System.Globalization;
using JindoMeta.Backend.RocksDb;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Schema;
using JindoMeta.Namespace.Security;
using JindoMeta.RocksDb;

namespace JindoMeta.Bench.Namespace;

/// <summary>
/// In-process namespace throughput (create, mkdir, getFileInfo at several caller counts) next to raw RocksDB
/// synced batched puts and point gets of the same key and value sizes, all in one run on one disk.
/// </summary>
public static class NamespaceBenchmark
{
    private const ushort Mode755 = 0x1ED;
    private const ushort Mode644 = 0x1A4;
    private static readonly CallerIdentity Root = new("root", ["supergroup"]);

    // RocksDB rows a durable create wrote on average, per caller count (for the rows/s comparison with raw puts).
    private static readonly Dictionary<int, double> CreateRowsPerCommand = [];

    public static async Task<int> RunAsync(BenchSettings settings)
    {
        var rows = new List<Measurement>();
        var (keySize, valueSize) = RowSizes();
        Console.WriteLine($"# namespace benchmark: dentry key {keySize} B, value {valueSize} B, {settings.Duration.TotalSeconds:N0}s per row, work dir {settings.WorkDirectory}");
        Console.WriteLine(Measurement.Header);

        if (settings.Only is { } only)
        {
            return await RunOnlyAsync(settings, only);
        }

        void Add(Measurement m)
        {
            rows.Add(m);
            Console.WriteLine(m);
        }

        foreach (var batch in new[] { 1, 64, 256 })
        {
            Add(RawPuts(settings, batch, keySize, valueSize));
        }

        foreach (var callers in settings.Callers)
        {
            Add(await RawGets(settings, callers, keySize, valueSize));
        }

        foreach (var callers in settings.Callers)
        {
            Add(await Mkdirs(settings, callers));
            Add(await Creates(settings, callers));
            Add(await Creates(settings, callers, sync: false));
            Add(await GetFileInfos(settings, callers));
        }

        var ratios = new SortedDictionary<string, double>(StringComparer.Ordinal);
        double Rate(string name, int callers) => rows.First(r => r.Name == name && r.Callers == callers).OpsPerSecond;
        var rawBatch64 = Rate("raw put sync batch=64", 1);
        var rawBatch256 = Rate("raw put sync batch=256", 1);
        foreach (var callers in settings.Callers)
        {
            var c = callers.ToString(CultureInfo.InvariantCulture);
            ratios[$"create@{c} / raw batch64 put"] = Rate("create (durable)", callers) / rawBatch64;
            ratios[$"create@{c} / raw batch256 put"] = Rate("create (durable)", callers) / rawBatch256;
            ratios[$"create@{c} rows/s / raw batch64 put"] = Rate("create (durable)", callers) * CreateRowsPerCommand[callers] / rawBatch64;
            ratios[$"mkdir@{c} / raw batch64 put"] = Rate("mkdir (durable)", callers) / rawBatch64;
            ratios[$"getFileInfo depth4@{c} / (raw get@{c} / 4)"] = Rate("getFileInfo depth 4", callers) / (Rate("raw get", callers) / 4);
        }

        Console.WriteLine();
        foreach (var (name, value) in ratios)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{name,-44} {value,6:N2}x"));
        }

        Console.WriteLine(Runner.Json("namespace", rows, ratios));
        return 0;
    }

    /// <summary>The in-process rows other suites compare against: mkdir, durable create and getFileInfo per caller count.</summary>
    public static async Task<IReadOnlyList<Measurement>> MeasureInProcessAsync(BenchSettings settings)
    {
        var rows = new List<Measurement>();
        foreach (var callers in settings.Callers)
        {
            rows.Add(await Mkdirs(settings, callers));
            rows.Add(await Creates(settings, callers));
            rows.Add(await GetFileInfos(settings, callers));
        }

        return rows;
    }

    /// <summary>One scenario family alone (for profiling): mkdir, create, create-unsynced or getFileInfo.</summary>
    private static async Task<int> RunOnlyAsync(BenchSettings settings, string only)
    {
        foreach (var callers in settings.Callers)
        {
            Console.WriteLine(only switch
            {
                "mkdir" => await Mkdirs(settings, callers),
                "create" => await Creates(settings, callers),
                "create-unsynced" => await Creates(settings, callers, sync: false),
                "getFileInfo" => await GetFileInfos(settings, callers),
                _ => throw new ArgumentException($"--only takes mkdir, create, create-unsynced or getFileInfo, not {only}"),
            });
        }

        return 0;
    }

    private static (int Key, int Value) RowSizes()
    {
        var sample = new InodeRecord
        {
            Id = 1_000_123,
            Type = InodeType.File,
            Permission = Mode644,
            Owner = "root",
            Group = "supergroup",
            ModificationTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            AccessTime = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(),
            Replication = 3,
            BlockSize = 128L << 20,
            UnderConstruction = true,
        };
        return (NamespaceSchema.DentryKey(16390, "f0000123").Length, InodeRecordCodec.Encode(sample).Length);
    }

    private static Measurement RawPuts(BenchSettings settings, int batchSize, int keySize, int valueSize)
    {
        using var directory = new WorkDirectory(settings.WorkDirectory);
        using var database = RocksDatabase.Open(directory.Path, new RocksDbOptions(), NamespaceSchema.Tables);
        var family = database.GetColumnFamily(NamespaceSchema.DentriesTable);
        using var batch = new WriteBatch();
        var key = new byte[keySize];
        var value = new byte[valueSize];
        Random.Shared.NextBytes(value);
        return Runner.RunLoop($"raw put sync batch={batchSize}", settings.WarmUp, settings.Duration, batchSize, iteration =>
        {
            batch.Clear();
            for (var i = 0; i < batchSize; i++)
            {
                WriteKey(key, (iteration * batchSize) + i);
                batch.Put(family, key, value);
            }

            database.Write(batch, sync: true);
        });
    }

    private static async Task<Measurement> RawGets(BenchSettings settings, int callers, int keySize, int valueSize)
    {
        const int keys = 100_000;
        using var directory = new WorkDirectory(settings.WorkDirectory);
        using var database = RocksDatabase.Open(directory.Path, new RocksDbOptions(), NamespaceSchema.Tables);
        var family = database.GetColumnFamily(NamespaceSchema.DentriesTable);
        using (var batch = new WriteBatch())
        {
            var key = new byte[keySize];
            var value = new byte[valueSize];
            for (var i = 0; i < keys; i++)
            {
                WriteKey(key, i);
                batch.Put(family, key, value);
            }

            database.Write(batch, sync: true);
        }

        var found = 0L;
        var measurement = await Runner.RunAsync("raw get", callers, settings.WarmUp, settings.Duration, (caller, sequence) =>
        {
            Span<byte> key = stackalloc byte[keySize];
            WriteKey(key, (int)((sequence * 7919 + caller) % keys));
            using var value = database.GetPinned(family, key);
            if (value.Found)
            {
                found++;
            }

            return ValueTask.CompletedTask;
        });
        return found > 0 ? measurement : throw new InvalidOperationException("raw gets found nothing: the benchmark is broken");
    }

    /// <summary>Opens the backend a scenario runs on, in a fresh work directory; the label ends the scenario's name.</summary>
    internal sealed record BackendUnderTest(string Label, Func<string, Task<INamespaceBackend>> Open);

    private static readonly BackendUnderTest RocksDbDurable = new("", directory => Task.FromResult<INamespaceBackend>(Open(directory)));

    internal static async Task<Measurement> Mkdirs(BenchSettings settings, int callers, BackendUnderTest? under = null)
    {
        under ??= RocksDbDurable;
        using var directory = new WorkDirectory(settings.WorkDirectory);
        await using var backend = await under.Open(directory.Path);
        for (var c = 0; c < callers; c++)
        {
            Check(await backend.SubmitAsync(new MkdirsCommand(Root, $"/m/c{c}", Mode755, CreateParent: true)));
        }

        return await Runner.RunAsync("mkdir (durable)" + under.Label, callers, settings.WarmUp, settings.Duration, async (caller, sequence) =>
            Check(await backend.SubmitAsync(new MkdirsCommand(Root, $"/m/c{caller}/d{sequence}", Mode755, CreateParent: false))));
    }

    internal static async Task<Measurement> Creates(BenchSettings settings, int callers, bool sync = true, BackendUnderTest? under = null)
    {
        under ??= sync ? RocksDbDurable : new BackendUnderTest("", directory => Task.FromResult<INamespaceBackend>(Open(directory, sync: false)));
        using var directory = new WorkDirectory(settings.WorkDirectory);
        await using var backend = await under.Open(directory.Path);
        for (var c = 0; c < callers; c++)
        {
            Check(await backend.SubmitAsync(new MkdirsCommand(Root, $"/c/c{c}", Mode755, CreateParent: true)));
        }

        var measurement = await Runner.RunAsync((sync ? "create (durable)" : "create (unsynced: CPU ceiling)") + under.Label, callers, settings.WarmUp, settings.Duration, async (caller, sequence) =>
            Check(await backend.SubmitAsync(new CreateFileCommand(Root, $"/c/c{caller}/f{sequence}", Mode644, false, false, 3, 128L << 20))));
        var detail = backend.GetStatus().Detail;
        if (!detail.ContainsKey("rowsPerCommand"))
        {
            return measurement;
        }

        if (sync)
        {
            CreateRowsPerCommand[callers] = double.Parse(detail["rowsPerCommand"], CultureInfo.InvariantCulture);
        }

        Console.Error.WriteLine($"#   create@{callers} sync={sync}: {detail["commandsPerSyncedWrite"]} commands per synced write, {detail["rowsPerCommand"]} RocksDB rows per command");
        return measurement;
    }

    internal static async Task<Measurement> GetFileInfos(BenchSettings settings, int callers, BackendUnderTest? under = null)
    {
        under ??= RocksDbDurable;
        using var directory = new WorkDirectory(settings.WorkDirectory);
        await using var backend = await under.Open(directory.Path);
        var paths = new List<string>();
        var pending = new List<Task>();
        for (var a = 0; a < 10; a++)
        {
            for (var b = 0; b < 10; b++)
            {
                for (var c = 0; c < 10; c++)
                {
                    for (var f = 0; f < 10; f++)
                    {
                        var path = $"/a{a}/b{b}/c{c}/f{f}";
                        paths.Add(path);
                        pending.Add(backend.SubmitAsync(new CreateFileCommand(Root, path, Mode644, false, true, 3, 128L << 20)).AsTask());
                    }
                }
            }
        }

        await Task.WhenAll(pending);
        var pathArray = paths.ToArray();
        return await Runner.RunAsync("getFileInfo depth 4" + under.Label, callers, settings.WarmUp, settings.Duration, async (caller, sequence) =>
        {
            var result = await backend.GetFileInfoAsync(pathArray[(int)((sequence * 7919 + caller) % pathArray.Length)], Root);
            if (!result.IsOk)
            {
                throw new InvalidOperationException($"getFileInfo failed: {result.Error}");
            }

            // Reads served from memory complete synchronously: without a yield now and then the callers would hold
            // every pool thread, and what else needs one (the in-process emulator, the ots lease renewals) would stall.
            if (sequence % 64 == 63)
            {
                await Task.Yield();
            }
        });
    }

    private static RocksDbNamespaceBackend Open(string directory, bool sync = true) =>
        RocksDbNamespaceBackend.Open(new RocksDbBackendOptions { DataDirectory = directory, SyncWrites = sync }, PermissionSettings.Default, TimeProvider.System);

    private static void Check<T>(JindoMeta.Namespace.Errors.Result<T> result)
    {
        if (!result.IsOk)
        {
            throw new InvalidOperationException($"benchmark operation failed: {result.Error}");
        }
    }

    // Same layout as a dentry key: 8-byte parent id, then a name of digits.
    private static void WriteKey(Span<byte> key, long index)
    {
        NamespaceSchema.WriteDentryPrefix(key, 16390);
        var digits = key[8..];
        for (var i = digits.Length - 1; i >= 0; i--)
        {
            digits[i] = (byte)('0' + (index % 10));
            index /= 10;
        }
    }
}
