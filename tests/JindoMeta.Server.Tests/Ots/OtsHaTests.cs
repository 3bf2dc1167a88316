using System.Collections.Concurrent;
using System.Diagnostics;
using Grpc.Core;
using JindoMeta.Client;
using JindoMeta.Server.Tests.Support;
using Xunit.Abstractions;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Ots;

/// <summary>The ots backend's active/standby pair by processes: failover on SIGKILL, and fencing of a paused active.</summary>
public sealed class OtsHaTests(ITestOutputHelper output)
{
    private const int LeaseMs = 2000;

    [Fact]
    public async Task Killing_the_active_under_load_the_standby_serves_within_the_lease_and_every_acknowledged_create_is_there()
    {
        await using var daemons = await OtsDaemons.StartAsync();
        var first = await daemons.StartNodeAsync(0, leaseMs: LeaseMs);
        await daemons.WaitForRoleAsync(0, "ACTIVE", TimeSpan.FromSeconds(10));
        await daemons.StartNodeAsync(1, leaseMs: LeaseMs);
        await daemons.WaitForRoleAsync(1, "STANDBY", TimeSpan.FromSeconds(10));

        using var client = daemons.NewClient();
        var acknowledged = new ConcurrentBag<(string Path, long AtTicks)>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var path = $"/load/w{w}/f{n}";
                try
                {
                    await client.CreateAsync(new Proto.CreateRequest { Path = path, CreateParent = true });
                    acknowledged.Add((path, Stopwatch.GetTimestamp()));
                }
                catch (JindoMetaException)
                {
                    // an outcome the client could not settle in its attempts: neither counted nor required
                }
            }
        })).ToList();

        await Task.Delay(1500);
        var killedAt = Stopwatch.GetTimestamp();
        await first.KillAsync();
        await Task.Delay(TimeSpan.FromMilliseconds(LeaseMs * 3));
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        var afterKill = acknowledged.Where(a => a.AtTicks > killedAt).Select(a => a.AtTicks).DefaultIfEmpty(long.MaxValue).Min();
        Assert.True(afterKill != long.MaxValue, "no create was acknowledged after the active was killed");
        var failover = Stopwatch.GetElapsedTime(killedAt, afterKill);
        output.WriteLine($"{acknowledged.Count} creates acknowledged; first acknowledged on the standby {failover.TotalMilliseconds:F0} ms after SIGKILL");
        Assert.True(failover < TimeSpan.FromMilliseconds(LeaseMs * 2.5), $"failover took {failover.TotalMilliseconds:F0} ms with a {LeaseMs} ms lease");
        Assert.Equal("ACTIVE", (await daemons.RoleAsync(1)).Role);

        using var reader = new RawClient(daemons.Address(1));
        foreach (var (path, _) in acknowledged)
        {
            await reader.GetFileInfoAsync(path); // throws NOT_FOUND if an acknowledged create was lost
        }
    }

    [Fact]
    public async Task A_paused_active_that_wakes_after_the_standby_took_over_writes_nothing_and_its_pending_call_fails()
    {
        await using var daemons = await OtsDaemons.StartAsync();
        var first = await daemons.StartNodeAsync(0, leaseMs: LeaseMs);
        await daemons.WaitForRoleAsync(0, "ACTIVE", TimeSpan.FromSeconds(10));
        await daemons.StartNodeAsync(1, leaseMs: LeaseMs);
        await daemons.WaitForRoleAsync(1, "STANDBY", TimeSpan.FromSeconds(10));
        using var toFirst = new RawClient(daemons.Address(0));
        using var toSecond = new RawClient(daemons.Address(1));
        await toFirst.MkdirsAsync("/before");
        var (_, epochBefore) = await daemons.RoleAsync(0);

        first.Freeze(true);
        var pending = toFirst.MkdirsAsync("/sent-while-paused");
        await daemons.WaitForRoleAsync(1, "ACTIVE", TimeSpan.FromMilliseconds(LeaseMs * 4));
        await toSecond.MkdirsAsync("/by-the-new-active");
        first.Freeze(false);

        var failed = await Assert.ThrowsAsync<RpcException>(() => pending);
        Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        // Every new write fails; within a lease read of stepping down the deposed server also names the new active.
        RpcException again;
        for (var attempt = 0; ; attempt++)
        {
            again = await Assert.ThrowsAsync<RpcException>(() => toFirst.MkdirsAsync("/sent-after-waking"));
            Assert.Equal(StatusCode.Unavailable, again.StatusCode);
            if (again.Trailers.GetValue("jindo-leader") is not null || attempt == 100)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.Equal(daemons.Address(1), again.Trailers.GetValue("jindo-leader"));
        var (role, epochAfter) = await daemons.RoleAsync(1);
        Assert.Equal("ACTIVE", role);
        Assert.True(long.Parse(epochAfter, System.Globalization.CultureInfo.InvariantCulture) > long.Parse(epochBefore, System.Globalization.CultureInfo.InvariantCulture));

        // Nothing the deposed server sent was applied, now or later (its applier stops with its lease).
        await Task.Delay(LeaseMs);
        await toSecond.GetFileInfoAsync("/before");
        await toSecond.GetFileInfoAsync("/by-the-new-active");
        foreach (var path in new[] { "/sent-while-paused", "/sent-after-waking" })
        {
            var missing = await Assert.ThrowsAsync<RpcException>(() => toSecond.GetFileInfoAsync(path));
            Assert.Equal(StatusCode.NotFound, missing.StatusCode);
        }

        Assert.Equal("STANDBY", (await daemons.RoleAsync(0)).Role);
    }

    [Fact]
    public async Task The_async_replica_and_recovery_keys_are_refused_with_the_ots_backend_in_one_line()
    {
        var (code, _, stderr) = await DaemonProcess.RunToExitAsync(null,
            "-D", "namespace.backend.type=ots", "-D", "namespace.backend.rocksdb.async.ots.enabled=true",
            "-D", "namespace.ots.endpoint=http://127.0.0.1:1", "-D", "namespace.ots.instance=inst", "-D", "namespace.ots.accessKey=id",
            "-D", "namespace.ots.accessSecret=very-secret-value");
        Assert.NotEqual(0, code);
        var line = Assert.Single(stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("namespace.backend.rocksdb.async.ots.enabled = true does not apply to namespace.backend.type = ots", line);
        Assert.DoesNotContain("very-secret-value", stderr);
    }
}
