using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.Tests.Reference;

namespace JindoMeta.Namespace.Tests.Support;

/// <summary>
/// The engine over in-memory state with a hand-set clock, plus the assertions the semantic tests share. Every
/// command moves the clock on by one second, so a test knows the time each command ran at (<see cref="Now"/>).
/// <see cref="Fails"/> also proves the failed command changed nothing (whole tree and every stored row).
/// </summary>
/// <remarks>The backend is the in-memory one here; the test projects of real backends link these tests and set
/// <see cref="BackendFactory"/> and <see cref="DumpRows"/> in a module initializer, so every semantic test also runs
/// through their backend interface.</remarks>
public sealed class NamespaceHarness : IDisposable
{
    public const long FormatTime = 1_700_000_000_000;
    public const long MiB = 1024 * 1024;

    public NamespaceHarness(PermissionSettings? permissions = null)
    {
        Clock = new ManualTimeProvider(FormatTime);
        Backend = BackendFactory(permissions ?? new PermissionSettings(), Clock);
    }

    /// <summary>Makes the backend under test, formatted at the clock's time.</summary>
    public static Func<PermissionSettings, TimeProvider, INamespaceBackend> BackendFactory { get; set; } =
        (permissions, clock) => new MemoryNamespaceBackend(permissions, clock);

    /// <summary>The root's times in a new namespace: the clock's time at format, or a backend's fixed one (raft formats
    /// every replica alike, without a clock).</summary>
    public static long RootFormatTime { get; set; } = FormatTime;

    /// <summary>Every stored row of the backend (and its id counter) as text, for "changed nothing" checks.</summary>
    public static Func<INamespaceBackend, string> DumpRows { get; set; } = backend => ((MemoryNamespaceBackend)backend).State.DumpRows();

    public static CallerIdentity Root => OperationGenerator.Root;
    public static CallerIdentity Alice => OperationGenerator.Alice;   // groups alice, staff
    public static CallerIdentity Bob => OperationGenerator.Bob;       // groups bob, staff
    public static CallerIdentity Carol => OperationGenerator.Carol;   // groups carol, guests
    public static CallerIdentity Dave => OperationGenerator.Dave;     // in supergroup

    public ManualTimeProvider Clock { get; }
    public INamespaceBackend Backend { get; }

    /// <summary>The time the last command ran at.</summary>
    public long Now => Clock.NowMs;

    /// <summary>Permission bits from octal digits: O(1755).</summary>
    public static ushort O(int octalDigits) => ReferenceNamespace.Octal(octalDigits);

    public Result<FileStatus?> Submit(NamespaceCommand command)
    {
        Clock.NowMs += 1000;
        return Backend.SubmitAsync(command).AsTask().GetAwaiter().GetResult();
    }

    public FileStatus? Ok(NamespaceCommand command)
    {
        var result = Submit(command);
        Assert.True(result.IsOk, $"expected success of {command}, got {result.Error}");
        return result.Value;
    }

    /// <summary>Submits a command that must fail with <paramref name="code"/> and leave the whole state as it was.</summary>
    public NamespaceError Fails(NamespaceCommand command, ErrorCode code)
    {
        var before = Snapshot();
        var result = Submit(command);
        if (result.IsOk)
        {
            Assert.Fail($"expected {code} from {command}, but it succeeded: {ModelText.Status(result.Value)}");
        }

        Assert.Equal(code, result.Error!.Code);
        Assert.False(string.IsNullOrWhiteSpace(result.Error.Message));
        Assert.Equal(before, Snapshot());
        return result.Error;
    }

    /// <summary>Whole tree through the public reads plus every stored row and the id counter.</summary>
    public string Snapshot() => TreeDump.DumpAsync(Backend).GetAwaiter().GetResult() + DumpRows(Backend);

    public void Dispose() => Backend.DisposeAsync().AsTask().GetAwaiter().GetResult();

    public FileStatus Mkdir(string path, int octal = 755, CallerIdentity? caller = null) =>
        Ok(new MkdirsCommand(caller ?? Root, path, O(octal), CreateParent: true, Umask: 0))!;

    public FileStatus CreateFile(string path, int octal = 644, CallerIdentity? caller = null, long blockSize = MiB) =>
        Ok(new CreateFileCommand(caller ?? Root, path, O(octal), Overwrite: false, CreateParent: true, Replication: 3, BlockSize: blockSize, Umask: 0))!;

    /// <summary>Creates and completes a file of <paramref name="length"/> bytes in 1 MiB blocks.</summary>
    public FileStatus WriteFile(string path, long length, int octal = 644, CallerIdentity? caller = null)
    {
        CreateFile(path, octal, caller);
        var blocks = new List<BlockInfo>();
        for (long offset = 0, id = 1; offset < length; offset += MiB, id++)
        {
            blocks.Add(new BlockInfo(id, Math.Min(MiB, length - offset), 1));
        }

        return Ok(new CompleteFileCommand(caller ?? Root, path, length, blocks))!;
    }

    public void Chmod(string path, int octal) => Ok(new SetPermissionCommand(Root, path, O(octal)));

    public void Chown(string path, string? owner, string? group) => Ok(new SetOwnerCommand(Root, path, owner, group));

    public Result<FileStatus> Stat(string path, CallerIdentity? caller = null) =>
        Backend.GetFileInfoAsync(path, caller ?? Root).AsTask().GetAwaiter().GetResult();

    public InodeRecord Record(string path)
    {
        var status = Stat(path);
        Assert.True(status.IsOk, $"stat {path}: {status.Error}");
        return status.Value.Record;
    }

    public bool Exists(string path) => Stat(path).IsOk;

    public Result<DirectoryListing> List(string path, string? startAfter = null, int limit = 100, CallerIdentity? caller = null) =>
        Backend.ListStatusAsync(path, startAfter, limit, caller ?? Root).AsTask().GetAwaiter().GetResult();

    public Result<ContentSummary> Count(string path, CallerIdentity? caller = null) =>
        Backend.GetContentSummaryAsync(path, caller ?? Root).AsTask().GetAwaiter().GetResult();

    public static void AssertError<T>(Result<T> result, ErrorCode code)
    {
        Assert.False(result.IsOk, $"expected {code}, got {result}");
        Assert.Equal(code, result.Error!.Code);
    }
}
