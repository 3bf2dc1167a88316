using System.Diagnostics;
using JindoMeta.Backend.Ots.Tests.Support;
using JindoMeta.Namespace.Errors;
using Xunit.Abstractions;

namespace JindoMeta.Backend.Ots.Tests.Integration;

/// <summary>
/// Active and standby on one table: a standby names the active and takes over when the lease is handed back or
/// lapses; a server without HA refuses a table that another serves; an active cut off from Tablestore past its
/// lease is fenced: it answers nothing as active once the standby took over, and what it sends late changes nothing.
/// </summary>
public sealed class OtsLeaseTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(2);

    /// <summary>What a server that could not commit may answer: never success.</summary>
    private static readonly ErrorCode[] NotCommitted = [ErrorCode.OutcomeUnknown, ErrorCode.Unavailable, ErrorCode.NotLeader];

    [Fact]
    public async Task A_standby_names_the_active_takes_over_within_two_seconds_of_the_hand_back_with_every_acknowledged_file_and_a_server_without_ha_then_refuses_the_table()
    {
        var namespaceName = OtsTestTables.NewNamespace();
        var active = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "a", Lease), OtsCalls.Permissions, TimeProvider.System);
        var expected = await WriteFilesAsync(active);

        await using var standby = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "b", Lease), OtsCalls.Permissions, TimeProvider.System);
        await AssertStandbyOfAsync(standby, "a");
        // A standby does not take a lease its active keeps renewing.
        await Task.Delay(Lease + (Lease / 4));
        await AssertStandbyOfAsync(standby, "a");
        Assert.Equal("ACTIVE", active.GetStatus().Role);

        await active.DisposeAsync();
        var handedBack = Stopwatch.StartNew();
        await OtsCalls.WaitUntilAsync(() => standby.GetStatus() is { Role: "ACTIVE", Serving: true }, TimeSpan.FromSeconds(2), "the standby serves");
        var tookOver = handedBack.Elapsed;
        foreach (var (directory, names) in expected)
        {
            Assert.Equal(names, await standby.ListNamesAsync(directory));
            foreach (var name in names)
            {
                Assert.True(await standby.ExistsAsync($"{directory}/{name}"), $"{directory}/{name} was acknowledged by the first active");
            }
        }

        await standby.OkAsync(OtsCalls.CreateFile("/d0/written-by-b"));
        var epoch = standby.GetStatus().Detail["epoch"];

        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => OtsNamespaceBackend.OpenAsync(
            OtsTestTables.Options(namespaceName, "c", Lease, ha: false), OtsCalls.Permissions, TimeProvider.System));
        Assert.Contains("namespace.backend.ots.ha", refused.Message, StringComparison.Ordinal);
        Assert.Contains("served by b", refused.Message, StringComparison.Ordinal);
        // The refusal took nothing from the active.
        Assert.Equal(("ACTIVE", epoch), (standby.GetStatus().Role, standby.GetStatus().Detail["epoch"]));
        await standby.OkAsync(OtsCalls.CreateFile("/d1/written-by-b"));
        output.WriteLine($"the standby took over {tookOver.TotalMilliseconds:F0} ms after the hand-back");
    }

    [Fact]
    public async Task An_active_cut_off_from_Tablestore_past_its_lease_is_fenced_by_the_standby_that_takes_over()
    {
        var namespaceName = OtsTestTables.NewNamespace();
        await using var network = new PausableProxy(OtsTestTables.Emulator.Endpoint);
        var activeOptions = OtsTestTables.Options(namespaceName, "a", Lease);
        await using var active = OtsTestTables.Open(activeOptions with { TableStore = activeOptions.TableStore with { Endpoint = network.Endpoint } },
            OtsCalls.Permissions, TimeProvider.System);
        await active.OkAsync(OtsCalls.Mkdirs("/shared"));
        await using var standby = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "b", Lease), OtsCalls.Permissions, TimeProvider.System);
        await AssertStandbyOfAsync(standby, "a");
        // Known absent to the active, so the create below needs no read: it goes straight to its commit.
        Assert.False(await active.ExistsAsync("/shared/while-cut-off"));
        // Acknowledged just before the cut: its row may still be on its way, and arrives late if so.
        await active.OkAsync(OtsCalls.CreateFile("/shared/by-a"));

        network.Pause();
        var cutOff = Stopwatch.StartNew();
        var submittedWhileCut = active.SubmitAsync(OtsCalls.CreateFile("/shared/while-cut-off")).AsTask();
        await OtsCalls.WaitUntilAsync(() => standby.GetStatus().Role == "ACTIVE", TimeSpan.FromSeconds(8), "the standby takes over the lapsed lease");
        var tookOver = cutOff.Elapsed;
        // From here on, anything the cut-off server still answered as active could be stale.
        var answeredReadsAfterTakeover = 0;
        var probing = Stopwatch.StartNew();
        while (probing.Elapsed < TimeSpan.FromMilliseconds(300))
        {
            answeredReadsAfterTakeover += (await active.GetFileInfoAsync("/shared/by-a", OtsCalls.Root)).IsOk ? 1 : 0;
            await Task.Delay(10);
        }

        Assert.Equal(0, answeredReadsAfterTakeover);
        Assert.True(await standby.ExistsAsync("/shared/by-a"), "the new active lost a file the old one acknowledged");
        await standby.OkAsync(OtsCalls.Delete("/shared/by-a", recursive: false));
        await standby.OkAsync(OtsCalls.CreateFile("/shared/by-b"));

        network.Resume();
        var whileCut = await submittedWhileCut.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.False(whileCut.IsOk, "the cut-off server acknowledged a create it could not commit");
        Assert.Contains(whileCut.Error!.Code, NotCommitted);
        await OtsCalls.WaitUntilAsync(() => active.GetStatus() is { Role: "STANDBY", LeaderClientAddress: "b" }, TimeSpan.FromSeconds(5),
            "the old active is the new one's standby");
        var redirected = await active.SubmitAsync(OtsCalls.CreateFile("/shared/after-resume"));
        Assert.Equal((ErrorCode.NotLeader, "b"), (redirected.Error?.Code ?? ErrorCode.None, redirected.Error?.Leader));

        // Whatever the old active sent late has landed or failed by now; a third server reads the table afresh (the old
        // active goes first, or its standby could take the lease the new one hands back before the third server does).
        await active.DisposeAsync();
        await standby.DisposeAsync();
        await using var reader = OtsTestTables.Open(OtsTestTables.Options(namespaceName, "c", Lease), OtsCalls.Permissions, TimeProvider.System);
        Assert.Equal(["by-b"], await reader.ListNamesAsync("/shared"));
        output.WriteLine($"the standby took over {tookOver.TotalMilliseconds:F0} ms after the cut; the cut-off server answered {whileCut.Error}");
    }

    private static async Task AssertStandbyOfAsync(OtsNamespaceBackend standby, string active)
    {
        var status = standby.GetStatus();
        Assert.Equal(("STANDBY", false, active), (status.Role, status.Serving, status.LeaderClientAddress));
        var write = await standby.SubmitAsync(OtsCalls.Mkdirs("/from-the-standby"));
        Assert.Equal((ErrorCode.NotLeader, active), (write.Error?.Code ?? ErrorCode.None, write.Error?.Leader));
        var read = await standby.GetFileInfoAsync("/", OtsCalls.Root);
        Assert.Equal((ErrorCode.NotLeader, active), (read.Error?.Code ?? ErrorCode.None, read.Error?.Leader));
    }

    /// <summary>Files in four directories from eight callers at once, some renamed across them and one deleted; the tree expected.</summary>
    private static async Task<SortedDictionary<string, List<string>>> WriteFilesAsync(OtsNamespaceBackend backend)
    {
        var expected = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
        for (var d = 0; d < 4; d++)
        {
            await backend.OkAsync(OtsCalls.Mkdirs($"/d{d}"));
            expected[$"/d{d}"] = [];
        }

        await Parallel.ForEachAsync(Enumerable.Range(0, 40), new ParallelOptions { MaxDegreeOfParallelism = 8 },
            async (i, _) => await backend.OkAsync(OtsCalls.CreateFile($"/d{i % 4}/f{i:D2}")));
        for (var i = 0; i < 40; i++)
        {
            expected[$"/d{i % 4}"].Add($"f{i:D2}");
        }

        foreach (var i in new[] { 1, 6, 11 })
        {
            await backend.OkAsync(OtsCalls.Rename($"/d{i % 4}/f{i:D2}", $"/d{(i + 1) % 4}/f{i:D2}-moved"));
            expected[$"/d{i % 4}"].Remove($"f{i:D2}");
            expected[$"/d{(i + 1) % 4}"].Add($"f{i:D2}-moved");
        }

        await backend.OkAsync(OtsCalls.Delete("/d0/f00", recursive: false));
        expected["/d0"].Remove("f00");
        foreach (var names in expected.Values)
        {
            names.Sort(StringComparer.Ordinal);
        }

        return expected;
    }
}
