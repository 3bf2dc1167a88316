using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Backend.Ots.Tests.Support;

/// <summary>The commands and reads the integration tests issue, as root, through the public backend interface.</summary>
internal static class OtsCalls
{
    private const ushort DirectoryPermission = 0b111_101_101;
    private const ushort FilePermission = 0b110_100_100;

    public static CallerIdentity Root { get; } = new("root", ["supergroup"]);

    public static PermissionSettings Permissions { get; } = new();

    public static MkdirsCommand Mkdirs(string path) => new(Root, path, DirectoryPermission, CreateParent: true);

    public static CreateFileCommand CreateFile(string path) =>
        new(Root, path, FilePermission, Overwrite: false, CreateParent: false, Replication: 3, BlockSize: 128L * 1024 * 1024);

    public static RenameCommand Rename(string source, string destination) => new(Root, source, destination, Overwrite: true);

    public static DeleteCommand Delete(string path, bool recursive) => new(Root, path, recursive);

    /// <summary>Submits a command that must succeed.</summary>
    public static async Task<FileStatus?> OkAsync(this INamespaceBackend backend, NamespaceCommand command)
    {
        var result = await backend.SubmitAsync(command);
        Assert.True(result.IsOk, $"expected success of {command}, got {result.Error}");
        return result.Value;
    }

    /// <summary>Whether the path exists; any answer other than found or not found fails the test.</summary>
    public static async Task<bool> ExistsAsync(this INamespaceBackend backend, string path)
    {
        var status = await backend.GetFileInfoAsync(path, Root);
        Assert.True(status.IsOk || status.Error!.Code == ErrorCode.FileNotFound, $"stat {path}: {status.Error}");
        return status.IsOk;
    }

    /// <summary>Every name in the directory, paging through the listing <paramref name="pageSize"/> entries at a time.</summary>
    public static async Task<List<string>> ListNamesAsync(this INamespaceBackend backend, string path, int pageSize = 1000)
    {
        var names = new List<string>();
        string? cursor = null;
        while (true)
        {
            var page = await backend.ListStatusAsync(path, cursor, pageSize, Root);
            Assert.True(page.IsOk, $"list {path} after {cursor ?? "(start)"}: {page.Error}");
            names.AddRange(page.Value.Entries.Select(e => e.Name));
            cursor = page.Value.NextCursor;
            if (cursor is null)
            {
                return names;
            }
        }
    }

    /// <summary>Polls <paramref name="condition"/> every 10 ms; fails the test naming <paramref name="what"/> after <paramref name="timeout"/>.</summary>
    public static async Task WaitUntilAsync(Func<bool> condition, TimeSpan timeout, string what)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out after {timeout.TotalSeconds} s waiting until {what}");
            await Task.Delay(10);
        }
    }

    /// <summary>Waits until every entry the backend committed is written to its rows (its applier is idle).</summary>
    public static Task WaitUntilAppliedAsync(this OtsNamespaceBackend backend) =>
        WaitUntilAsync(() => backend.Session is { } session && session.Applied >= session.Committed, TimeSpan.FromSeconds(15), "every committed entry is written");
}
