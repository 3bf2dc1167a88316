using JindoMeta.Backend.Raft.StateMachine;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Raft;

namespace JindoMeta.Backend.Raft.Tests.StateMachine;

/// <summary>
/// A seeded raft log of namespace commands over a small path set, so commands collide: mkdir (-p), create, complete
/// with blocks, rename in both modes, recursive delete, chmod/chown/setTimes, by the superuser and two plain users
/// (so permission failures happen), plus the leader's empty no-op entries. Many commands fail; that is the point.
/// </summary>
internal static class RandomCommandLog
{
    private static readonly string[] Directories = ["/a", "/a/b", "/a/b/c", "/x", "/x/ÿ", "/数据"];
    private static readonly string[] Names = ["f", "g", "文件", "b", "c"];
    private static readonly CallerIdentity[] Callers =
    [
        new("root", []),
        new("alice", ["staff"]),
        new("bob", []),
    ];

    private static readonly Guid[] ClientIds = [new("6f1c2a4e-0000-4000-8000-000000000001"), new("6f1c2a4e-0000-4000-8000-000000000002"), new("6f1c2a4e-0000-4000-8000-000000000003")];

    private static readonly string?[] Principals = ["alice", "bob", "staff", "supergroup", null];

    /// <summary>Entries 1..<paramref name="count"/> of term 1, the payloads as a leader would propose them.</summary>
    public static List<Entry> Generate(int seed, int count)
    {
        var random = new Random(seed);
        var entries = new List<Entry>(count);
        var timestamp = 1_700_000_000_000L;
        var sent = new List<ReplicatedCommand>();
        for (var index = 1; index <= count; index++)
        {
            if (random.Next(20) == 0)
            {
                entries.Add(new Entry((ulong)index, 1, []));
                continue;
            }

            timestamp += random.Next(0, 5); // equal times happen too
            ReplicatedCommand replicated;
            if (sent.Count > 0 && random.Next(15) == 0)
            {
                // A client's retry of an earlier call (same ids, later time): the retry cache must answer it alike everywhere.
                var earlier = sent[random.Next(sent.Count)];
                replicated = earlier with { TimestampMs = timestamp };
            }
            else
            {
                replicated = new ReplicatedCommand(NextCommand(random), timestamp, ClientIds[random.Next(ClientIds.Length)], index);
                sent.Add(replicated);
            }

            entries.Add(new Entry((ulong)index, 1, NamespaceCommandCodec.Encode(replicated)));
        }

        return entries;
    }

    private static NamespaceCommand NextCommand(Random random)
    {
        // The superuser issues most commands, so the tree grows; plain users mostly fail on it, sometimes succeed.
        var caller = random.Next(4) == 0 ? Callers[1 + random.Next(2)] : Callers[0];
        return random.Next(10) switch
        {
            0 or 1 => new MkdirsCommand(caller, AnyDirectory(random), AnyPermission(random), CreateParent: random.Next(3) != 0),
            2 or 3 => new CreateFileCommand(caller, AnyFile(random), 0x1A4, Overwrite: random.Next(2) == 0, CreateParent: random.Next(2) == 0,
                Replication: (short)(random.Next(10) == 0 ? 0 : random.Next(1, 4)), BlockSize: random.Next(2) == 0 ? 128L << 20 : 1L << 20),
            4 => Complete(caller, AnyFile(random), random),
            5 => new RenameCommand(caller, AnyPath(random), AnyPath(random), Overwrite: random.Next(2) == 0),
            6 => new DeleteCommand(caller, AnyPath(random), Recursive: random.Next(3) != 0),
            7 => new SetPermissionCommand(caller, AnyPath(random), AnyPermission(random)),
            8 => new SetOwnerCommand(caller, AnyPath(random), random.GetItems(Principals, 1)[0], random.GetItems(Principals, 1)[0]),
            _ => new SetTimesCommand(caller, AnyPath(random), random.Next(3) == 0 ? -1 : random.NextInt64(0, 1L << 41), random.Next(3) == 0 ? -1 : random.NextInt64(0, 1L << 41)),
        };
    }

    private static string AnyDirectory(Random random) => random.Next(8) == 0 ? "/" : Directories[random.Next(Directories.Length)];

    private static string AnyFile(Random random) => $"{Directories[random.Next(Directories.Length)]}/{Names[random.Next(Names.Length)]}";

    private static string AnyPath(Random random) => random.Next(2) == 0 ? AnyDirectory(random) : AnyFile(random);

    private static ushort AnyPermission(Random random) => random.Next(4) switch
    {
        0 => 0x1ED, // 755
        1 => 0x1FF, // 777
        2 => 0x3FF, // 1777
        _ => (ushort)random.Next(0, 0x200),
    };

    /// <summary>Blocks of at most 1 MiB (the smallest block size) whose lengths add up to the file's, but one time in ten not.</summary>
    private static CompleteFileCommand Complete(CallerIdentity caller, string path, Random random)
    {
        var blocks = Enumerable.Range(0, random.Next(0, 6)).Select(_ => new BlockInfo(random.NextInt64(), random.NextInt64(0, 1L << 20), random.Next())).ToArray();
        var length = blocks.Sum(b => b.NumBytes) + (random.Next(10) == 0 ? 1 : 0);
        return new CompleteFileCommand(caller, path, length, blocks);
    }
}
