using JindoMeta.Client;
using JindoMeta.Cli.Shell;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Admin;

/// <summary>`jindo jfs -metaStatus [-detail]`, `jindo jfs -transferLeader host:port [namespace]` and `jindo jfs -verifyReplica [namespace]`.</summary>
public static class JfsAdmin
{
    public const string Usage =
        "Usage: jindo jfs [generic options]\n" +
        "\t[-metaStatus [-detail]]\n" +
        "\t[-transferLeader <host:port> [<namespace>]]\n" +
        "\t[-verifyReplica [<namespace>]]\n";

    public static async Task<int> RunAsync(Func<ShellContext> context, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        switch (args.Count > 0 ? args[0] : null)
        {
            case "-metaStatus" when args.Count == 1 || (args.Count == 2 && args[1] == "-detail"):
                return await RunAsync("metaStatus", error, async () =>
                    output.Write(MetaStatusFormat.Format(await context().Client.MetaStatusFromLeadersAsync(new MetaStatusRequest { Detail = args.Count == 2 }).ConfigureAwait(false)))).ConfigureAwait(false);
            case "-metaStatus":
                error.WriteLine($"-metaStatus: Illegal option {args[^1]}");
                break;
            case "-transferLeader" when args.Count is 2 or 3:
                return await RunAsync("transferLeader", error, async () =>
                {
                    var request = new TransferLeadershipRequest { Target = args[1], Namespace = args.Count == 3 ? args[2] : "" };
                    var moved = await context().Client.TransferLeadershipAsync(request).ConfigureAwait(false);
                    output.WriteLine($"LEADER {moved.Leader} term={moved.Term}");
                }).ConfigureAwait(false);
            case "-transferLeader":
                error.WriteLine(args.Count < 2 ? "-transferLeader: Not enough arguments: expected the new leader's host:port" : $"-transferLeader: Too many arguments: {args[^1]}");
                break;
            case "-verifyReplica" when args.Count is 1 or 2:
                var same = false;
                var exit = await RunAsync("verifyReplica", error, async () =>
                {
                    var result = await context().Client.VerifyReplicaOnLeadersAsync(new VerifyReplicaRequest { Namespace = args.Count == 2 ? args[1] : "" }).ConfigureAwait(false);
                    output.Write(ReplicaComparisonFormat.Format(result));
                    same = result.Namespaces.All(n => n.DifferenceCount == 0);
                }).ConfigureAwait(false);
                return exit != 0 ? exit : same ? 0 : 1;
            case "-verifyReplica":
                error.WriteLine($"-verifyReplica: Too many arguments: {args[^1]}");
                break;
            case { } unknown:
                error.WriteLine($"{unknown}: Unknown command");
                break;
        }

        error.Write(Usage);
        return FsShell.UsageExitCode;
    }

    private static async Task<int> RunAsync(string name, TextWriter error, Func<Task> run)
    {
        try
        {
            await run().ConfigureAwait(false);
            return 0;
        }
        catch (JindoMetaException e)
        {
            error.WriteLine($"{name}: {e.ServerMessage}");
            return 1;
        }
    }
}
