using JindoMeta.Blocks.Tests.Support;

namespace JindoMeta.Blocks.Tests;

/// <summary>The contract against <see cref="LocalBlockStore"/> in a temp directory, and its path rules.</summary>
public sealed class LocalBlockStoreTests : BlockStoreContract
{
    private readonly TempDirectory _directory = new("blocks");

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _directory.Dispose();
    }

    [Theory]
    [InlineData("../outside")]
    [InlineData("ns/../../outside")]
    [InlineData("ns/..")]
    [InlineData("/etc/passwd")]
    [InlineData("/ns/0/0")]
    [InlineData("")]
    public async Task Object_names_that_leave_the_store_are_refused(string objectName)
    {
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.OpenWriteAsync(objectName, Cancellation));
        await Assert.ThrowsAsync<ArgumentException>(() => ReadRawAsync(objectName, 0, 1));
        await Assert.ThrowsAsync<ArgumentException>(async () => await Store.DeleteAsync(objectName, Cancellation));
        Assert.Equal([_directory.Sub("store")], Directory.EnumerateFileSystemEntries(_directory.Path)); // nothing beside the store
    }

    [Fact]
    public async Task An_object_is_a_file_at_its_name_under_the_root()
    {
        var key = new BlockKey("ns", 1, 2);
        await WriteBlockAsync(key, BlockBytes.Random(700, seed: 1));

        var file = new FileInfo(Path.Combine(_directory.Sub("store"), "ns", $"{1L:x16}", $"{2L:x16}"));
        Assert.True(file.Exists);
        Assert.Equal(BlockLayout.ObjectSize(700), file.Length);
    }

    protected override Task<IBlockStore> OpenStoreAsync() => Task.FromResult<IBlockStore>(new LocalBlockStore(_directory.Sub("store")));

    protected override async Task ReplaceObjectAsync(string objectName, Func<byte[], byte[]> change)
    {
        var path = Path.Combine(_directory.Sub("store"), objectName);
        await File.WriteAllBytesAsync(path, change(await File.ReadAllBytesAsync(path, Cancellation)), Cancellation);
    }

    protected override Task AfterAbandonedWriteAsync(string objectName, int dataBytes)
    {
        // No temporary file either (the listing above would show one; this says which).
        Assert.Empty(Directory.EnumerateFiles(_directory.Sub("store"), "*", SearchOption.AllDirectories));
        return Task.CompletedTask;
    }
}
