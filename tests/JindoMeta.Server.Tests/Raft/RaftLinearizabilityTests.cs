using System.Collections.Concurrent;
using System.Diagnostics;
using JindoMeta.Client;
using JindoMeta.Raft.Tests.Simulation;
using Xunit.Abstractions;
using Proto = JindoMeta.Protos.V1;

namespace JindoMeta.Server.Tests.Raft;

/// <summary>
/// Clients create, delete, rename and stat three files through the real client while the leader is killed and
/// isolated again and again; the recorded history must be linearizable against a sequential model of the three
/// paths (the core simulation's checker). JINDO_SEEDS scales the number of faults (4 at the CI default of 200).
/// </summary>
public sealed class RaftLinearizabilityTests(ITestOutputHelper output)
{
    private static readonly string[] Paths = ["/lin/a", "/lin/b", "/lin/c"];
    private const int Clients = 4;

    [Fact]
    public async Task A_randomized_create_delete_rename_stat_history_with_leader_kills_and_partitions_is_linearizable()
    {
        var faultRounds = Math.Max(4, int.Parse(Environment.GetEnvironmentVariable("JINDO_SEEDS") ?? "200", System.Globalization.CultureInfo.InvariantCulture) / 50);
        await using var cluster = await new RaftDaemonCluster(faultInjection: true).StartAllAsync();
        using (var setup = cluster.NewClient())
        {
            await setup.MkdirsAsync(new Proto.MkdirsRequest { Path = "/lin", CreateParent = true });
        }

        var clock = Stopwatch.StartNew();
        var history = new ConcurrentBag<TimedOperation<PathOperation>>();
        var nextToken = 0;
        using var faultsDone = new CancellationTokenSource();
        var clients = Enumerable.Range(0, Clients).Select(c => Task.Run(async () =>
        {
            var random = new Random(c * 7919 + Environment.TickCount);
            using var client = cluster.NewClient(deadline: TimeSpan.FromSeconds(10));
            while (!faultsDone.IsCancellationRequested)
            {
                await Task.Delay(random.Next(10)); // paced, so the history stays small enough to check
                var a = Paths[random.Next(Paths.Length)];
                var b = Paths.Where(p => p != a).ElementAt(random.Next(Paths.Length - 1));
                var operation = random.Next(4) switch
                {
                    0 => new PathOperation(PathOperationKind.Create, Slot(a), 0, Interlocked.Increment(ref nextToken)),
                    1 => new PathOperation(PathOperationKind.Delete, Slot(a), 0, 0),
                    2 => new PathOperation(PathOperationKind.Rename, Slot(a), Slot(b), 0),
                    _ => new PathOperation(PathOperationKind.Stat, Slot(a), 0, 0),
                };
                var invoked = clock.ElapsedTicks;
                var observed = await RunAsync(client, operation);
                if (observed is { } result)
                {
                    history.Add(new(operation with { Observed = result }, invoked, clock.ElapsedTicks));
                }
                else if (operation.Kind != PathOperationKind.Stat)
                {
                    history.Add(new(operation, invoked, long.MaxValue)); // a write whose outcome is unknown
                }
            }
        })).ToArray();

        var faults = 0;
        while (faults < faultRounds)
        {
            await Task.Delay(700);
            var leader = await cluster.LeaderIndexAsync();
            if (faults++ % 2 == 0)
            {
                await cluster.KillAsync(leader);
                await Task.Delay(1500);
                await cluster.StartNodeAsync(leader);
            }
            else
            {
                await cluster.IsolateAsync(leader);
                await Task.Delay(2500);
                await cluster.HealAsync();
            }
        }

        await Task.Delay(700);
        await faultsDone.CancelAsync();
        await Task.WhenAll(clients);
        var recorded = history.ToList();
        var unknown = recorded.Count(op => !op.OutcomeKnown);
        var linearizable = false;
        var checker = new Thread(() => linearizable = LinearizabilityChecker.IsLinearizable(recorded, PathModel.Instance, maxStates: 20_000_000), 512 * 1024 * 1024);
        checker.Start();
        checker.Join();
        output.WriteLine($"{recorded.Count} operations ({unknown} with unknown outcome) under {faults} faults (kills and partitions alternating)");
        Assert.True(linearizable, $"the history of {recorded.Count} operations is not linearizable:\n{string.Join('\n', recorded.OrderBy(o => o.Invoked).Take(400))}");
        Assert.True(faults >= 2 && recorded.Count(o => o.OutcomeKnown && o.Operation.Kind != PathOperationKind.Stat) > Clients * 20, "too few faults or writes for the test to mean anything");
    }

    [Fact]
    public void The_path_model_rejects_a_stale_stat_and_a_lost_rename_and_accepts_a_late_unknown_create()
    {
        TimedOperation<PathOperation> At(PathOperation op, long from, long to) => new(op, from, to);
        var create = new PathOperation(PathOperationKind.Create, 0, 0, 7, PathOperation.Ok);
        var rename = new PathOperation(PathOperationKind.Rename, 0, 1, 0, PathOperation.Ok);
        Assert.True(LinearizabilityChecker.IsLinearizable([At(create, 0, 1), At(rename, 2, 3), At(new(PathOperationKind.Stat, 1, 0, 0, 7), 4, 5)], PathModel.Instance));
        Assert.False(LinearizabilityChecker.IsLinearizable([At(create, 0, 1), At(new(PathOperationKind.Stat, 0, 0, 0, PathOperation.NotFound), 2, 3)], PathModel.Instance));
        Assert.False(LinearizabilityChecker.IsLinearizable([At(create, 0, 1), At(rename, 2, 3), At(new(PathOperationKind.Stat, 0, 0, 0, 7), 4, 5)], PathModel.Instance));
        var unknownCreate = new PathOperation(PathOperationKind.Create, 2, 0, 9);
        Assert.True(LinearizabilityChecker.IsLinearizable(
            [At(unknownCreate, 0, long.MaxValue), At(new(PathOperationKind.Stat, 2, 0, 0, PathOperation.NotFound), 1, 2), At(new(PathOperationKind.Stat, 2, 0, 0, 9), 3, 4)], PathModel.Instance));
    }

    private static int Slot(string path) => Array.IndexOf(Paths, path);

    /// <summary>Runs one operation; the observed result, or null when the outcome is unknown (a read then tells nothing).</summary>
    private static async Task<int?> RunAsync(JindoMetaClient client, PathOperation operation)
    {
        try
        {
            switch (operation.Kind)
            {
                case PathOperationKind.Create:
                    await client.CreateAsync(new Proto.CreateRequest { Path = Paths[operation.A], BlockSize = PathOperation.BlockSizeOf(operation.Token) });
                    return PathOperation.Ok;
                case PathOperationKind.Delete:
                    await client.DeleteAsync(new Proto.DeleteRequest { Path = Paths[operation.A] });
                    return PathOperation.Ok;
                case PathOperationKind.Rename:
                    await client.RenameAsync(new Proto.RenameRequest { Source = Paths[operation.A], Destination = Paths[operation.B] });
                    return PathOperation.Ok;
                default:
                    var status = await client.GetFileInfoAsync(new Proto.GetFileInfoRequest { Path = Paths[operation.A] });
                    return PathOperation.TokenOf(status.BlockSize);
            }
        }
        catch (JindoMetaException e) when (e.ErrorCode == JindoErrorCode.FileNotFound)
        {
            return PathOperation.NotFound;
        }
        catch (JindoMetaException e) when (e.ErrorCode == JindoErrorCode.FileAlreadyExists)
        {
            return PathOperation.Exists;
        }
        catch (JindoMetaException)
        {
            return null;
        }
    }
}

public enum PathOperationKind
{
    Create,
    Delete,
    Rename,
    Stat,
}

/// <summary>An operation on one of three paths (slots A and B). A created file carries its token in its block size,
/// so a stat tells which create it sees. <see cref="Observed"/>: Ok, NotFound, Exists, or a stat's token.</summary>
public sealed record PathOperation(PathOperationKind Kind, int A, int B, int Token, int Observed = 0)
{
    public const int Ok = -1;
    public const int NotFound = -2;
    public const int Exists = -3;
    private const long MinBlockSize = 1024 * 1024;

    public static long BlockSizeOf(int token) => MinBlockSize + (token * 512L);

    public static int TokenOf(long blockSize) => (int)((blockSize - MinBlockSize) / 512);

    public override string ToString() => $"{Kind} {"abc"[A]}{(Kind == PathOperationKind.Rename ? $"->{"abc"[B]}" : "")}{(Token > 0 ? $" #{Token}" : "")} = {Observed switch { Ok => "ok", NotFound => "not found", Exists => "exists", var t => $"#{t}" }}";
}

/// <summary>Three paths, each absent (0) or holding the token of the create that made it (a file never changes afterwards).</summary>
public readonly record struct PathState(int A, int B, int C)
{
    public int this[int slot] => slot switch { 0 => A, 1 => B, _ => C };

    public PathState With(int slot, int value) => slot switch { 0 => this with { A = value }, 1 => this with { B = value }, _ => this with { C = value } };
}

/// <summary>HDFS semantics on three files in one directory: create without overwrite, non-recursive delete, rename
/// without overwrite (missing source: not found; existing destination: exists), stat.</summary>
public sealed class PathModel : ISequentialModel<PathState, PathOperation>
{
    public static PathModel Instance { get; } = new();

    public PathState Initial => default;

    public bool TryStep(PathState state, PathOperation operation, bool outcomeKnown, out PathState next)
    {
        int result;
        (next, result) = operation.Kind switch
        {
            PathOperationKind.Create => state[operation.A] == 0 ? (state.With(operation.A, operation.Token), PathOperation.Ok) : (state, PathOperation.Exists),
            PathOperationKind.Delete => state[operation.A] != 0 ? (state.With(operation.A, 0), PathOperation.Ok) : (state, PathOperation.NotFound),
            PathOperationKind.Rename => state[operation.A] == 0 ? (state, PathOperation.NotFound)
                : state[operation.B] != 0 ? (state, PathOperation.Exists)
                : (state.With(operation.B, state[operation.A]).With(operation.A, 0), PathOperation.Ok),
            _ => (state, state[operation.A] == 0 ? PathOperation.NotFound : state[operation.A]),
        };
        return !outcomeKnown || result == operation.Observed;
    }
}
