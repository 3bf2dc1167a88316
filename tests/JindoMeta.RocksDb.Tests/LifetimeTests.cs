using System.Runtime.CompilerServices;
using static JindoMeta.RocksDb.Tests.Bytes;

namespace JindoMeta.RocksDb.Tests;

/// <summary>Dispose orders and abandoned objects must never crash and must eventually release the LOCK.</summary>
public sealed class LifetimeTests : IDisposable
{
    private readonly TempDirectory _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public void Opening_a_database_that_is_already_open_fails_with_the_lock_error()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, []);

        var error = Assert.Throws<RocksDbException>(() => RocksDatabase.Open(_dir.Path, TestOptions, []));
        Assert.Contains("LOCK", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Opening_a_missing_database_without_create_if_missing_reports_rocksdbs_reason()
    {
        var error = Assert.Throws<RocksDbException>(
            () => RocksDatabase.Open(_dir.Sub("none"), TestOptions with { CreateIfMissing = false }, []));
        Assert.Contains("does not exist", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Iterator_and_snapshot_outlive_the_database_and_it_closes_after_them()
    {
        var db = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        db.Put(cf, U("a"), U("1"), sync: false);
        db.Put(cf, U("b"), U("2"), sync: false);
        var snapshot = db.CreateSnapshot();
        db.Put(cf, U("c"), U("3"), sync: false);
        var iterator = db.NewIterator(cf, snapshot: snapshot);
        var pinned = db.GetPinned(cf, U("a"));

        db.Dispose();

        // Still usable: the database stays open underneath, so its LOCK is still held.
        Assert.Equal([("a", "1"), ("b", "2")], Scan(iterator));
        Assert.Equal("1", S(pinned.Value));
        Assert.Throws<RocksDbException>(() => RocksDatabase.Open(_dir.Path, TestOptions, []).Dispose());

        pinned.Dispose();
        snapshot.Dispose();
        Assert.Throws<RocksDbException>(() => RocksDatabase.Open(_dir.Path, TestOptions, []).Dispose());
        iterator.Dispose();

        using var reopened = RocksDatabase.Open(_dir.Path, TestOptions, []);
        Assert.Equal("3", S(reopened.Get(reopened.GetColumnFamily("cf"), U("c"))));
    }

    [Fact]
    public void Snapshot_disposed_before_its_iterator_keeps_the_iterator_consistent()
    {
        using var db = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        db.Put(cf, U("a"), U("old"), sync: false);
        var snapshot = db.CreateSnapshot();
        using var iterator = db.NewIterator(cf, snapshot: snapshot);
        snapshot.Dispose();
        db.Put(cf, U("a"), U("new"), sync: false);
        db.Put(cf, U("b"), U("new"), sync: false);

        Assert.Equal([("a", "old")], Scan(iterator));
        Assert.Throws<ObjectDisposedException>(() => db.Get(cf, U("a"), snapshot));
    }

    [Fact]
    public void Abandoned_database_iterator_snapshot_and_batch_are_cleaned_up_by_the_garbage_collector()
    {
        AbandonEverything(_dir.Path);

        // Two rounds: a dependent's finalizer releases the parent's last reference in the first one.
        for (var round = 0; round < 2; round++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        using var reopened = RocksDatabase.Open(_dir.Path, TestOptions, []);
        Assert.Equal("v", S(reopened.Get(reopened.GetColumnFamily("cf"), U("k"))));
    }

    [Fact]
    public async Task Dispose_racing_with_busy_threads_only_ever_raises_object_disposed()
    {
        var db = RocksDatabase.Open(_dir.Path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        var started = new CountdownEvent(4);
        var unexpected = new System.Collections.Concurrent.ConcurrentQueue<Exception>();

        // Dedicated threads: pool threads arrive slowly on a 2-core machine while other tests run.
        var workers = Enumerable.Range(0, 4).Select(worker => Task.Factory.StartNew(() =>
        {
            var key = new byte[] { (byte)worker, 0 };
            started.Signal();
            try
            {
                for (var i = 0; ; i++)
                {
                    key[1] = (byte)i;
                    switch (worker)
                    {
                        case 0:
                            db.Put(cf, key, key, sync: false);
                            break;
                        case 1:
                            using (var pinned = db.GetPinned(cf, key))
                            {
                                _ = pinned.Found;
                            }

                            break;
                        case 2:
                            using (var iterator = db.NewIterator(cf))
                            {
                                for (iterator.SeekToFirst(); iterator.Valid; iterator.Next())
                                {
                                    _ = iterator.Key.Length;
                                }
                            }

                            break;
                        default:
                            using (var snapshot = db.CreateSnapshot())
                            using (var batch = new WriteBatch())
                            {
                                batch.Put(cf, key, key);
                                db.Write(batch, sync: false);
                                _ = db.Get(cf, key, snapshot);
                            }

                            break;
                    }
                }
            }
            catch (ObjectDisposedException)
            {
                // The only acceptable way for a call to fail once the database is disposed.
            }
            catch (Exception ex)
            {
                unexpected.Enqueue(ex);
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();

        started.Wait();
        await Task.Delay(50);
        db.Dispose();
        await Task.WhenAll(workers);

        Assert.Empty(unexpected);
        using var reopened = RocksDatabase.Open(_dir.Path, TestOptions, []);
        Assert.NotNull(reopened.Get(reopened.GetColumnFamily("cf"), [0, 0]));
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static void AbandonEverything(string path)
    {
        var db = RocksDatabase.Open(path, TestOptions, ["cf"]);
        var cf = db.GetColumnFamily("cf");
        db.Put(cf, U("k"), U("v"), sync: true);
        _ = db.CreateSnapshot();
        var iterator = db.NewIterator(cf, U("a"), U("z"));
        iterator.SeekToFirst();
        var batch = new WriteBatch();
        batch.Put(cf, U("never"), U("written"));
    }
}
