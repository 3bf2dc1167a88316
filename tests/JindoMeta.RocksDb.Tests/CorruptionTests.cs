using static JindoMeta.RocksDb.Tests.Bytes;

namespace JindoMeta.RocksDb.Tests;

/// <summary>Read errors must surface as exceptions, never as "not found" or as the end of an iteration.</summary>
public sealed class CorruptionTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Corrupt_data_block_fails_gets_and_iteration_with_rocksdbs_message()
    {
        // No compression and no block cache: the first data block starts at offset 0 and every read hits the file.
        var options = TestOptions with { Compression = RocksCompression.None, BlockCacheSizeBytes = 0 };
        using (var db = RocksDatabase.Open(_dir.Path, options, ["cf"]))
        {
            var cf = db.GetColumnFamily("cf");
            for (var i = 0; i < 1000; i++)
            {
                db.Put(cf, U($"k{i:D4}"), U(new string('v', 100)), sync: false);
            }

            db.Flush(cf);
        }

        var table = Directory.GetFiles(_dir.Path, "*.sst").Single();
        using (var file = File.OpenWrite(table))
        {
            file.Position = 16;
            file.Write(U("CORRUPTED!"));
        }

        using var reopened = RocksDatabase.Open(_dir.Path, options, []);
        var family = reopened.GetColumnFamily("cf");

        var getError = Assert.Throws<RocksDbException>(() => reopened.Get(family, U("k0000")));
        Assert.Contains("Corruption", getError.Message, StringComparison.Ordinal);
        using var iterator = reopened.NewIterator(family);
        iterator.SeekToFirst();
        var iterationError = Assert.Throws<RocksDbException>(() => iterator.Valid);
        Assert.Contains("Corruption", iterationError.Message, StringComparison.Ordinal);
        Assert.Equal("vvv", S(reopened.Get(family, U("k0999")))?[..3]); // other blocks still read fine
    }
}
