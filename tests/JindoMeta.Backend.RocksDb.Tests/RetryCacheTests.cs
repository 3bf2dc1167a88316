using JindoMeta.Backend.RocksDb.Tests.Support;
using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using static JindoMeta.Backend.RocksDb.Tests.Support.BackendHarness;

namespace JindoMeta.Backend.RocksDb.Tests;

/// <summary>The rocksdb backend keeps the same retry cache as raft: a resubmitted call gets its first outcome.</summary>
public sealed class RetryCacheTests : IDisposable
{
    private static readonly ClientCallId Call = new(Guid.NewGuid(), 42);
    private readonly TempDirectory _temp = new();

    [Fact]
    public async Task A_create_resubmitted_with_the_same_call_id_returns_the_first_success_even_after_a_restart()
    {
        var path = _temp.Sub("store");
        FileStatusPair first;
        await using (var backend = Open(path))
        {
            Assert.True(((INamespaceBackend)backend).RemembersCalls);
            first = new(await backend.SubmitAsync(Create("/f"), Call), await backend.SubmitAsync(Create("/f"), Call));
        }

        await using var reopened = Open(path);
        var afterRestart = await reopened.SubmitAsync(Create("/f"), Call);
        var otherCall = await reopened.SubmitAsync(Create("/f"), Call with { CallId = 43 });

        Assert.True(first.Original.IsOk && first.Retry.IsOk && afterRestart.IsOk, $"{first.Retry} {afterRestart}");
        Assert.Equal(first.Original.Value, first.Retry.Value);
        Assert.Equal(first.Original.Value, afterRestart.Value);
        Assert.Equal(ErrorCode.FileAlreadyExists, otherCall.Error!.Code);
        Assert.Equal(1, reopened.ChangeFeed.LastIndex); // only the first create changed anything
    }

    [Fact]
    public async Task Copies_of_one_call_submitted_at_once_are_executed_once()
    {
        await using var backend = Open(_temp.Sub("store"));

        var results = await Task.WhenAll(Enumerable.Range(0, 16).Select(_ => backend.SubmitAsync(Create("/f"), Call).AsTask()));

        Assert.All(results, r => Assert.True(r.IsOk, r.ToString()));
        Assert.Single(results.Select(r => r.Value!.Record.Id).Distinct());
    }

    [Fact]
    public async Task A_resubmitted_failed_delete_returns_the_same_error_and_deletes_nothing()
    {
        await using var backend = Open(_temp.Sub("store"));
        var failed = await backend.SubmitAsync(new DeleteCommand(Callers.Root, "/d", Recursive: false), Call);
        await backend.MkdirsAsync("/d");

        var retried = await backend.SubmitAsync(new DeleteCommand(Callers.Root, "/d", Recursive: false), Call);

        Assert.Equal(failed.Error, retried.Error);
        Assert.True((await backend.GetFileInfoAsync("/d", Callers.Root)).IsOk);
    }

    public void Dispose() => _temp.Dispose();

    private static CreateFileCommand Create(string path) => new(Callers.Root, path, Mode644, Overwrite: false, CreateParent: false, 3, BlockSize);

    private sealed record FileStatusPair(Result<Namespace.Model.FileStatus?> Original, Result<Namespace.Model.FileStatus?> Retry);
}
