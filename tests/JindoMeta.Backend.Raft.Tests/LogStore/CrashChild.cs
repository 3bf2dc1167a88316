using System.Globalization;
using System.Text;
using JindoMeta.Backend.Raft.LogStore;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.LogStore;

/// <summary>The child process of <see cref="LogStoreCrashTests"/>: appends deterministic entries in synced batches, prints
/// "acked N" after each batch is persisted, snapshots and compacts now and then, until it is killed.</summary>
public static class CrashChild
{
    public static int Main(string[] args)
    {
        if (args.Length != 2 || args[0] != "log-writer")
        {
            Console.Error.WriteLine("usage: dotnet exec JindoMeta.Backend.Raft.Tests.dll log-writer <directory>");
            return 2;
        }

        using var store = RocksRaftLogStore.Open(args[1], [1, 2, 3]);
        var next = store.LastIndex + 1;
        var batch = new List<Entry>();
        while (true)
        {
            batch.Clear();
            var size = 1 + (int)(next % 7);
            for (var i = 0; i < size; i++)
            {
                batch.Add(ExpectedEntry(next + (ulong)i));
            }

            var last = batch[^1].Index;
            store.Persist(new HardState(TermOf(last), 1, last), batch, null, sync: true);
            Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"acked {last}"));
            Console.Out.Flush();
            next = last + 1;
            if (last % 100 < (ulong)size)
            {
                store.CreateSnapshot(last, [1, 2, 3], stream => stream.Write(Encoding.UTF8.GetBytes($"state@{last}")));
                store.Compact(last - 10);
            }
        }
    }

    public static ulong TermOf(ulong index) => 1 + index / 50;

    public static Entry ExpectedEntry(ulong index)
        => new(index, TermOf(index), Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"payload-{index}-{new string('x', (int)(index % 300))}")));
}
