using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Paths;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Backend.RocksDb.Tests.Support;

/// <summary>Short forms of the operations tests use, over any <see cref="INamespaceBackend"/>.</summary>
public static class BackendHarness
{
    public const ushort Mode755 = 0x1ED;
    public const ushort Mode644 = 0x1A4;
    public const long BlockSize = 128L << 20;

    public static RocksDbNamespaceBackend Open(string directory, bool recoveryMode = false, TimeProvider? clock = null) =>
        RocksDbNamespaceBackend.Open(new RocksDbBackendOptions { DataDirectory = directory, RecoveryMode = recoveryMode }, PermissionSettings.Default, clock ?? TimeProvider.System);

    public static async Task<FileStatus> MkdirsAsync(this INamespaceBackend backend, string path, CallerIdentity? caller = null) =>
        (await backend.SubmitAsync(new MkdirsCommand(caller ?? Callers.Root, path, Mode755, CreateParent: true)).ConfigureAwait(false)).Value!;

    /// <summary>Creates and completes a file of <paramref name="length"/> bytes in one block.</summary>
    public static async Task<FileStatus> WriteFileAsync(this INamespaceBackend backend, string path, long length, CallerIdentity? caller = null)
    {
        caller ??= Callers.Root;
        var created = await backend.SubmitAsync(new CreateFileCommand(caller, path, Mode644, Overwrite: false, CreateParent: true, 3, BlockSize)).ConfigureAwait(false);
        Assert.True(created.IsOk, created.ToString());
        BlockInfo[] blocks = length == 0 ? [] : [new BlockInfo(created.Value!.Record.Id, length, 1001)];
        var completed = await backend.SubmitAsync(new CompleteFileCommand(caller, path, length, blocks)).ConfigureAwait(false);
        return completed.Value!;
    }

    /// <summary>Every entry under <paramref name="top"/> (included), depth first, paging through big directories.</summary>
    public static async Task<List<FileStatus>> WalkAsync(this INamespaceBackend backend, string top = "/")
    {
        var all = new List<FileStatus>();
        var root = await backend.GetFileInfoAsync(top, Callers.Root).ConfigureAwait(false);
        if (!root.IsOk)
        {
            return all;
        }

        var pending = new Stack<FileStatus>();
        pending.Push(root.Value);
        while (pending.TryPop(out var current))
        {
            all.Add(current);
            if (!current.Record.IsDirectory)
            {
                continue;
            }

            string? cursor = null;
            do
            {
                var page = (await backend.ListStatusAsync(current.Path, cursor, 1000, Callers.Root).ConfigureAwait(false)).Value;
                foreach (var entry in page.Entries)
                {
                    pending.Push(entry);
                }

                cursor = page.NextCursor;
            }
            while (cursor is not null);
        }

        return all;
    }

    public static void AssertOk<T>(Result<T> result) => Assert.True(result.IsOk, $"expected success, got {result.Error}");

    public static void AssertError<T>(Result<T> result, ErrorCode code) =>
        Assert.True(!result.IsOk && result.Error!.Code == code, $"expected {code}, got {result}");

    public static string Child(string parent, string name) => PathRules.Combine(parent, name);
}
