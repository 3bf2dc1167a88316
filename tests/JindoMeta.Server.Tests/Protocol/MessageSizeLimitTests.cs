using Grpc.Core;
using JindoMeta.Server.Tests.Support;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Protocol;

/// <summary>
/// namespace.rpc.max-message-size bounds every message both ways: a request or reply over it fails the call with
/// RESOURCE_EXHAUSTED (the client's own limit, 4 MiB by default, is far above), and the daemon keeps serving.
/// </summary>
public sealed class MessageSizeLimitTests(MessageSizeLimitTests.SmallLimitDaemon daemon) : IClassFixture<MessageSizeLimitTests.SmallLimitDaemon>
{
    private const int Limit = 64 << 10;
    private readonly SmallLimitDaemon _daemon = (SmallLimitDaemon)daemon.BeginTest();

    [Fact]
    public async Task A_request_over_the_limit_is_RESOURCE_EXHAUSTED()
    {
        var path = "/" + new string('p', Limit + 1000);

        var error = await Assert.ThrowsAsync<RpcException>(() => _daemon.Client.MkdirsAsync(path));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task A_reply_over_the_limit_is_RESOURCE_EXHAUSTED()
    {
        var directory = await _daemon.LongNamesDirectoryAsync();

        var error = await Assert.ThrowsAsync<RpcException>(() => _daemon.Client.ListAsync(directory));

        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task A_reply_just_within_the_limit_arrives_intact()
    {
        var directory = await _daemon.LongNamesDirectoryAsync();

        var page = await _daemon.Client.ListAsync(directory, limit: SmallLimitDaemon.EntriesWithinLimit);

        Assert.InRange(page.CalculateSize(), Limit * 3 / 4, Limit);
        Assert.Equal(_daemon.LongNames.Take(SmallLimitDaemon.EntriesWithinLimit).Select(name => $"{directory}/{name}"), page.Entries.Select(e => e.Path));
        Assert.True(page.HasMore);
        await _daemon.AssertStillServingAsync();
    }

    [Fact]
    public async Task A_request_just_within_the_limit_arrives_intact()
    {
        await _daemon.Client.CreateAsync("/many-blocks");
        var complete = new Proto.CompleteRequest { Path = "/many-blocks" };
        for (var i = 0; complete.CalculateSize() < Limit - 2000; i++)
        {
            complete.Blocks.Add(new Proto.Block { BlockId = (1L << 40) + i, NumBytes = 100_000_000 + i, GenerationStamp = 1_000_000 + i });
        }

        complete.Length = complete.Blocks.Sum(b => b.NumBytes);

        await _daemon.Client.CallAsync((c, o) => c.CompleteAsync(complete, o));

        var info = await _daemon.Client.GetFileInfoAsync("/many-blocks");
        Assert.Equal(complete.Blocks, info.Status.Blocks);
        Assert.Equal(complete.Length, info.Status.Length);
        await _daemon.AssertStillServingAsync();
    }

    /// <summary>A daemon with the smallest allowed message limit, and a directory whose full listing is over it.</summary>
    public sealed class SmallLimitDaemon() : DaemonFixture("namespace.rpc.max-message-size=64k")
    {
        /// <summary>How many of <see cref="LongNames"/> a page may hold and stay within the limit.</summary>
        public const int EntriesWithinLimit = 8;

        private Task<string>? _directory;

        /// <summary>12 names of 250 characters (255 is the most a name may have).</summary>
        public IReadOnlyList<string> LongNames { get; } = Enumerable.Range(0, 12).Select(i => $"{i:D2}".PadRight(250, 'n')).ToList();

        /// <summary>
        /// A directory 6,500 characters deep holding <see cref="LongNames"/>: each listing entry carries its full
        /// path (about 6,800 bytes), so 8 entries fit in 64 KiB and 12 do not. Created on first use.
        /// </summary>
        public Task<string> LongNamesDirectoryAsync() => _directory ??= CreateLongNamesDirectoryAsync();

        private async Task<string> CreateLongNamesDirectoryAsync()
        {
            var directory = "/long" + string.Concat(Enumerable.Repeat("/" + new string('d', 250), 26));
            await Client.MkdirsAsync(directory);
            foreach (var name in LongNames)
            {
                await Client.CreateAsync($"{directory}/{name}");
            }

            return directory;
        }
    }
}
