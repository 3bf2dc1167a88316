using JindoMeta.TableStore.Emulator;
using JindoMeta.TableStore.Tests.Support;

namespace JindoMeta.TableStore.Tests.Emulator;

public sealed class TimeoutAndCredentialTests
{
    [Fact]
    public async Task Slow_replies_time_out_reads_are_retried_and_writes_are_not()
    {
        await using var h = await EmulatorHarness.StartAsync();
        await h.Client.CreateTableAsync(EmulatorHarness.UsersSchema());
        // A generous retry deadline: a loaded CI machine can spend the first attempt's budget connecting (seen flaking at 600 ms).
        using var impatient = h.NewClient(o => o with { RequestTimeout = TimeSpan.FromMilliseconds(100), RetryDeadline = TimeSpan.FromSeconds(3) });
        h.Emulator.Faults = new FaultOptions { Latency = TimeSpan.FromMilliseconds(400) };
        var read = await Assert.ThrowsAsync<TableStoreException>(() => impatient.GetRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L))));
        Assert.Equal(TableStoreErrorCodes.ClientNetworkError, read.Code);
        Assert.True(impatient.RetryCount >= 1, "a read that timed out is retried");
        var before = impatient.RequestCount;
        var write = await Assert.ThrowsAsync<TableStoreException>(() => impatient.PutRowAsync("users", PrimaryKey.Of(("uid", "a"), ("seq", 1L)), [new("v", 1L)]));
        Assert.Equal(TableStoreErrorCodes.ClientNetworkError, write.Code);
        Assert.Equal(before + 1, impatient.RequestCount);
    }

    [Fact]
    public async Task Sts_token_requests_are_signed_and_accepted_and_wrong_secrets_are_refused()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var sts = h.NewClient(o => o with { SecurityToken = "sts-token-for-test" });
        Assert.Empty(await sts.ListTablesAsync());
        using var wrong = h.NewClient(o => o with { AccessKeySecret = "not-the-secret", MaxRetries = 0 });
        var refused = await Assert.ThrowsAsync<TableStoreException>(() => wrong.ListTablesAsync());
        Assert.Equal((TableStoreErrorCodes.AuthFailed, 403), (refused.Code, refused.HttpStatus));
        Assert.DoesNotContain("not-the-secret", refused.ToString(), StringComparison.Ordinal);
        using var stale = h.NewClient(o => o with { MaxRetries = 0 }, new FixedTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)));
        var old = await Assert.ThrowsAsync<TableStoreException>(() => stale.ListTablesAsync());
        Assert.Equal(TableStoreErrorCodes.AuthFailed, old.Code);
        Assert.StartsWith("Mismatch between system time and x-ots-date", old.ErrorMessage, StringComparison.Ordinal);
        using var otherInstance = h.NewClient(o => o with { InstanceName = "other-inst", MaxRetries = 0 });
        Assert.Equal(TableStoreErrorCodes.AuthFailed, (await Assert.ThrowsAsync<TableStoreException>(() => otherInstance.ListTablesAsync())).Code);
    }
}
