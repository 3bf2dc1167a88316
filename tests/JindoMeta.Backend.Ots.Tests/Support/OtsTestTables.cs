using System.Text;
using JindoMeta.Backend.Ots;
using JindoMeta.Namespace.Security;
using JindoMeta.Replication;
using JindoMeta.TableStore;
using JindoMeta.TableStore.Emulator;

namespace JindoMeta.Backend.Ots.Tests.Support;

/// <summary>One in-process emulator for the whole test assembly; every backend a test opens gets a table of its own.</summary>
internal static class OtsTestTables
{
    private static readonly Lazy<TableStoreEmulator> SharedEmulator = new(() =>
        TableStoreEmulator.StartAsync(new EmulatorOptions { Port = 0, MaxTables = 100_000 }).GetAwaiter().GetResult());

    private static int _namespaces;

    public static TableStoreEmulator Emulator => SharedEmulator.Value;

    public static string NewNamespace() => "t" + Interlocked.Increment(ref _namespaces);

    public static OtsBackendOptions Options(string namespaceName, string holder = "127.0.0.1:8101", TimeSpan? lease = null, bool ha = true) => new()
    {
        TableStore = Emulator.ClientOptions(),
        NamespaceName = namespaceName,
        Holder = holder,
        HighAvailability = ha,
        LeaseDuration = lease ?? TimeSpan.FromSeconds(5),
    };

    public static OtsNamespaceBackend Open(OtsBackendOptions options, PermissionSettings permissions, TimeProvider clock) =>
        OtsNamespaceBackend.OpenAsync(options, permissions, clock).GetAwaiter().GetResult();

    /// <summary>Waits until every committed entry is in its rows, then every data row of the table as text (the bookkeeping partition left out).</summary>
    public static string DumpRows(OtsNamespaceBackend backend)
    {
        var session = backend.Session ?? throw new InvalidOperationException("the backend is not active");
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (session.Applied < session.Committed)
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"entries up to {session.Committed} committed but only {session.Applied} written");
            }

            Thread.Sleep(5);
        }

        using var client = new TableStoreClient(Emulator.ClientOptions());
        var text = new StringBuilder();
        var query = new RangeQuery(backend.Table,
            PrimaryKey.Of((ReplicaTable.ParentColumn, ReplicaTable.MetaParent), (ReplicaTable.NameColumn, ColumnValue.InfMin)),
            PrimaryKey.Of((ReplicaTable.ParentColumn, ColumnValue.InfMax), (ReplicaTable.NameColumn, ColumnValue.InfMax)));
        foreach (var row in client.GetRangeAsync(query).ToBlockingEnumerable())
        {
            var image = ReplicaTable.ImageAt(row, long.MaxValue);
            if (image.Value is not null)
            {
                text.Append(row.PrimaryKey).Append(' ').AppendLine(Convert.ToHexString(image.Value));
            }
        }

        return text.ToString();
    }
}
