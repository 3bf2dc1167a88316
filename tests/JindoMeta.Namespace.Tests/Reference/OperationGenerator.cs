using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Tests.Reference;

/// <summary>
/// Random operations from a seed, over a tiny name alphabet and a few callers, so that collisions, renames onto
/// existing entries, deletes of non-empty directories and permission failures happen often. It looks at the
/// reference model only to pick existing paths more often; the same seed and model give the same sequence.
/// </summary>
public sealed class OperationGenerator
{
    private const long MiB = 1024 * 1024;

    // Mostly ASCII, plus names whose UTF-8 order differs from UTF-16 order (U+E000 vs a supplementary character).
    private static readonly string[] Names = ["a", "b", "c", "d", "a", "b", "c", "é", "\uE000", "\U0001F600"];
    private static readonly int[] Permissions = [755, 777, 700, 711, 750, 770, 1777, 644, 600, 555, 0, 731, 1755, 775, 1770];
    private static readonly int[] Umasks = [22, 0, 77, 27, 2];
    private static readonly string[] Groups = ["staff", "alice", "bob", "carol", "guests", "supergroup"];

    private readonly Random _random;
    private readonly ReferenceNamespace _model;
    private readonly string _under;
    private long _nextBlockId = 1;
    private bool _first = true;

    /// <param name="under">Only paths below this directory are generated ("/" for the whole tree).</param>
    public OperationGenerator(int seed, ReferenceNamespace model, string under = "/")
    {
        _random = new Random(seed);
        _model = model;
        _under = under;
    }

    public static CallerIdentity Root { get; } = new("root", ["root"]);
    public static CallerIdentity Alice { get; } = new("alice", ["alice", "staff"]);
    public static CallerIdentity Bob { get; } = new("bob", ["bob", "staff"]);
    public static CallerIdentity Carol { get; } = new("carol", ["carol", "guests"]);
    public static CallerIdentity Dave { get; } = new("dave", ["dave", "supergroup"]);

    public ModelOperation Next()
    {
        if (_first)
        {
            // Open the top of the generated area to everyone, so ordinary users get past the first level.
            _first = false;
            var open = ReferenceNamespace.Octal(_random.Next(2) == 0 ? 777 : 1777);
            return Submit(_under == "/" ? new SetPermissionCommand(Root, _under, open) : new MkdirsCommand(Root, _under, open, true, 0));
        }

        var caller = PickCaller();
        var roll = _random.Next(100);
        return roll switch
        {
            < 14 => Submit(new MkdirsCommand(caller, PickPath(), PickPermission(), _random.Next(3) > 0, PickUmask())),
            < 28 => Submit(Create(caller)),
            < 37 => Submit(Complete(caller)),
            < 47 => Submit(new DeleteCommand(caller, PickPath(), _random.Next(10) < 7)),
            < 62 => Submit(new RenameCommand(caller, PickExistingPath(), PickPath(), _random.Next(10) < 4)),
            < 69 => Submit(new SetPermissionCommand(caller, PickPath(), _random.Next(20) == 0 ? (ushort)0x400 : PickPermission())),
            < 74 => Submit(SetOwner(caller)),
            < 77 => Submit(new SetTimesCommand(caller, PickPath(), PickTime(), PickTime())),
            < 84 => new GetFileInfoOperation(PickPath(), caller),
            < 92 => new ListStatusOperation(PickPath(), PickStartAfter(), PickLimit(), caller),
            < 97 => new ContentSummaryOperation(PickPath(), caller),
            _ => new GetFileInfoOperation(PickInvalidPath(), caller),
        };
    }

    private static SubmitOperation Submit(NamespaceCommand command) => new(command);

    private CallerIdentity PickCaller() => _random.Next(100) switch
    {
        < 30 => Root,
        < 54 => Alice,
        < 74 => Bob,
        < 90 => Carol,
        _ => Dave,
    };

    private CreateFileCommand Create(CallerIdentity caller)
    {
        var replication = _random.Next(30) == 0 ? (short)(_random.Next(2) == 0 ? 0 : 513) : (short)_random.Next(1, 4);
        var blockSize = _random.Next(30) == 0 ? MiB + 1 : _random.Next(2) == 0 ? MiB : 4 * MiB;
        return new CreateFileCommand(caller, PickPath(), PickPermission(), _random.Next(10) < 4, _random.Next(10) < 3,
            replication, blockSize, PickUmask());
    }

    private CompleteFileCommand Complete(CallerIdentity caller)
    {
        // Prefer files that exist, so the length/blocks rules and the retry rule are reached.
        var files = _model.Paths.Where(p => IsMine(p) && _model.Find(p) is { Type: InodeType.File }).OrderBy(p => p, StringComparer.Ordinal).ToList();
        var path = files.Count > 0 && _random.Next(5) > 0 ? files[_random.Next(files.Count)] : PickPath();
        var file = _model.Find(path);
        if (file is { UnderConstruction: false } && _random.Next(2) == 0)
        {
            return new CompleteFileCommand(caller, path, file.Length, file.Blocks.ToArray());
        }

        var blockSize = file?.BlockSize ?? MiB;
        var blocks = new List<BlockInfo>();
        var count = _random.Next(4);
        for (var i = 0; i < count; i++)
        {
            var size = _random.Next(25) == 0 ? blockSize + 1 : (long)(_random.NextDouble() * blockSize);
            blocks.Add(new BlockInfo(_nextBlockId++, size, 1000 + i));
        }

        var length = blocks.Sum(b => b.NumBytes) + (_random.Next(20) == 0 ? 1 : 0);
        return new CompleteFileCommand(caller, path, length, blocks);
    }

    private SetOwnerCommand SetOwner(CallerIdentity caller)
    {
        string? owner = _random.Next(3) switch
        {
            0 => null,
            1 => caller.User,
            _ => new[] { "root", "alice", "bob", "carol", "dave" }[_random.Next(5)],
        };
        string? group = _random.Next(3) == 0 ? null : Groups[_random.Next(Groups.Length)];
        if (_random.Next(40) == 0)
        {
            (owner, group) = _random.Next(2) == 0 ? (null, null) : ("", group);
        }

        return new SetOwnerCommand(caller, PickPath(), owner, group);
    }

    private string PickPath()
    {
        var existing = _model.Paths.Where(IsMine).OrderBy(p => p, StringComparer.Ordinal).ToList();
        var roll = _random.Next(10);
        if (roll < 5 && existing.Count > 0)
        {
            var path = existing[_random.Next(existing.Count)];
            return roll == 0 && Depth(path) < 5 ? ReferencePath.Child(path, PickName()) : path;
        }

        var depth = _random.Next(10) switch { < 3 => 1, < 7 => 2, < 9 => 3, _ => 4 };
        var result = _under;
        for (var i = 0; i < depth; i++)
        {
            result = ReferencePath.Child(result, PickName());
        }

        return result;
    }

    private string PickExistingPath()
    {
        var existing = _model.Paths.Where(p => IsMine(p) && p != _under).OrderBy(p => p, StringComparer.Ordinal).ToList();
        return existing.Count > 0 && _random.Next(5) > 0 ? existing[_random.Next(existing.Count)] : PickPath();
    }

    private bool IsMine(string path) => path == _under || ReferencePath.IsStrictlyUnder(path, _under) || (_under == "/" && path == "/");

    private static int Depth(string path) => path.Count(c => c == '/');

    private string PickName() => _random.Next(8) == 0 ? Names[_random.Next(Names.Length)] : Names[_random.Next(4)];

    private string PickInvalidPath() => _random.Next(7) switch
    {
        5 => ReferencePath.Child(_under, "x\uD800"),
        0 => "a/b",
        1 => ReferencePath.Child(_under, "a") + "/",
        2 => ReferencePath.Child(_under, ".."),
        3 => ReferencePath.Child(_under, "a") + "//b",
        4 => ReferencePath.Child(_under, "a\0b"),
        _ => ReferencePath.Child(_under, new string('x', 256)),
    };

    private ushort PickPermission() =>
        _random.Next(10) == 0 ? (ushort)_random.Next(0x400) : ReferenceNamespace.Octal(Permissions[_random.Next(Permissions.Length)]);

    private ushort PickUmask() => ReferenceNamespace.Octal(Umasks[_random.Next(Umasks.Length)]);

    private long PickTime() => _random.Next(10) switch
    {
        < 3 => -1,
        3 when _random.Next(10) == 0 => -2,
        _ => 1_600_000_000_000L + _random.Next(1_000_000),
    };

    private string? PickStartAfter() => _random.Next(10) < 6 ? null : PickName();

    private int PickLimit() => _random.Next(40) == 0 ? 0 : _random.Next(1, 6);
}
