using System.Text;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Tests.Reference;

/// <summary>
/// The whole tree as text, one entry a line, read through the public read operations only (stat, paged
/// listings, content summary of the root), so a backend and the reference model are walked the same way.
/// </summary>
public static class TreeDump
{
    public static CallerIdentity Superuser { get; } = new("root", ["supergroup"]);

    /// <param name="from">The directory to start at; a missing one dumps as a single "(missing)" line.</param>
    public static Task<string> DumpAsync(INamespaceBackend backend, string from = "/", int pageSize = 3) =>
        WalkAsync(
            from,
            path => backend.GetFileInfoAsync(path, Superuser),
            (path, after, limit) => backend.ListStatusAsync(path, after, limit, Superuser),
            path => backend.GetContentSummaryAsync(path, Superuser),
            pageSize);

    public static string Dump(ReferenceNamespace model, string from = "/", int pageSize = 3) =>
        WalkAsync(
            from,
            path => ValueTask.FromResult(model.GetFileInfo(path, Superuser)),
            (path, after, limit) => ValueTask.FromResult(model.ListStatus(path, after, limit, Superuser)),
            path => ValueTask.FromResult(model.GetContentSummary(path, Superuser)),
            pageSize).GetAwaiter().GetResult();

    private static async Task<string> WalkAsync(
        string from,
        Func<string, ValueTask<Result<FileStatus>>> stat,
        Func<string, string?, int, ValueTask<Result<DirectoryListing>>> list,
        Func<string, ValueTask<Result<ContentSummary>>> summarize,
        int pageSize)
    {
        var text = new StringBuilder();
        var top = await stat(from);
        if (top.Error is { Code: ErrorCode.FileNotFound })
        {
            return $"(missing {from})\n";
        }

        text.Append(ModelText.Status(Expect(top, $"stat {from}"))).Append('\n');
        if (top.Value.Record.IsDirectory)
        {
            await WalkDirectoryAsync(from, list, pageSize, text);
        }

        text.Append("summary ").Append(from).Append(' ').Append(ModelText.Summary(Expect(await summarize(from), $"count {from}"))).Append('\n');
        return text.ToString();
    }

    private static async Task WalkDirectoryAsync(string directory, Func<string, string?, int, ValueTask<Result<DirectoryListing>>> list, int pageSize, StringBuilder text)
    {
        string? after = null;
        while (true)
        {
            var page = Expect(await list(directory, after, pageSize), $"ls {directory}");
            foreach (var entry in page.Entries)
            {
                text.Append(ModelText.Status(entry)).Append('\n');
                if (entry.Record.IsDirectory)
                {
                    await WalkDirectoryAsync(entry.Path, list, pageSize, text);
                }
            }

            if (!page.HasMore)
            {
                return;
            }

            after = page.NextCursor ?? throw new InvalidOperationException($"ls {directory}: HasMore with an empty page");
        }
    }

    private static T Expect<T>(Result<T> result, string what) =>
        result.IsOk ? result.Value : throw new InvalidOperationException($"{what} as the superuser failed: {result.Error}");
}
