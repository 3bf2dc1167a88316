using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Backend.RocksDb.Tests.Crash;

/// <summary>What one entry under a worker's directory looks like, for comparing against the model.</summary>
public readonly record struct EntryShape(bool IsDirectory, long Length, bool UnderConstruction, ushort Permission);

/// <summary>
/// The crash test's workload: each worker runs a fixed, endless sequence of operations in its own directory,
/// one at a time, so the state after its n-th acknowledged operation is known exactly. Every kind of write
/// appears: mkdir, create, complete, rename, recursive delete, chmod.
/// </summary>
public static class CrashWorkload
{
    private const ushort Mode755 = 0x1ED;
    private const ushort Mode644 = 0x1A4;
    private const ushort Mode700 = 0x1C0;
    private static readonly CallerIdentity Root = new("root", ["supergroup"]);

    public static string WorkerDirectory(int round, int worker) => $"/r{round}/w{worker}";

    public static NamespaceCommand Operation(string directory, int sequence)
    {
        var (cycle, step) = Math.DivRem(sequence, 5);
        return step switch
        {
            0 => new MkdirsCommand(Root, $"{directory}/d{cycle}", Mode755, CreateParent: false),
            1 => new CreateFileCommand(Root, $"{directory}/d{cycle}/f", Mode644, Overwrite: false, CreateParent: false, 3, 128L << 20),
            2 => new CompleteFileCommand(Root, $"{directory}/d{cycle}/f", cycle + 1, [new BlockInfo(cycle, cycle + 1, 1)]),
            3 => new RenameCommand(Root, $"{directory}/d{cycle}", $"{directory}/r{cycle}", Overwrite: false),
            _ => cycle >= 2
                ? new DeleteCommand(Root, $"{directory}/r{cycle - 2}", Recursive: true)
                : new SetPermissionCommand(Root, $"{directory}/r{cycle}", Mode700),
        };
    }

    /// <summary>The worker directory's entries (relative paths) after its first <paramref name="count"/> operations.</summary>
    public static SortedDictionary<string, EntryShape> Expected(int count)
    {
        var model = new SortedDictionary<string, EntryShape>(StringComparer.Ordinal);
        for (var sequence = 0; sequence < count; sequence++)
        {
            var (cycle, step) = Math.DivRem(sequence, 5);
            switch (step)
            {
                case 0:
                    model[$"d{cycle}"] = new EntryShape(true, 0, false, Mode755);
                    break;
                case 1:
                    model[$"d{cycle}/f"] = new EntryShape(false, 0, true, Mode644);
                    break;
                case 2:
                    model[$"d{cycle}/f"] = new EntryShape(false, cycle + 1, false, Mode644);
                    break;
                case 3:
                    model[$"r{cycle}"] = model[$"d{cycle}"];
                    model[$"r{cycle}/f"] = model[$"d{cycle}/f"];
                    model.Remove($"d{cycle}");
                    model.Remove($"d{cycle}/f");
                    break;
                default:
                    if (cycle >= 2)
                    {
                        model.Remove($"r{cycle - 2}");
                        model.Remove($"r{cycle - 2}/f");
                    }
                    else
                    {
                        model[$"r{cycle}"] = model[$"r{cycle}"] with { Permission = Mode700 };
                    }

                    break;
            }
        }

        return model;
    }
}
