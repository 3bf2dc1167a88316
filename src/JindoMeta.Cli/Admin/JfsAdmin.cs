using JindoMeta.Client;
using JindoMeta.Cli.Shell;
using JindoMeta.Protos.V1;

namespace JindoMeta.Cli.Admin;

/// <summary>`jindo jfs -metaStatus [-detail]`.</summary>
public static class JfsAdmin
{
    public const string Usage = "Usage: jindo jfs [generic options] -metaStatus [-detail]\n";

    public static async Task<int> RunAsync(Func<ShellContext> context, IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] != "-metaStatus" || args.Count > 2 || (args.Count == 2 && args[1] != "-detail"))
        {
            if (args.Count > 0 && args[0] != "-metaStatus")
            {
                error.WriteLine($"{args[0]}: Unknown command");
            }
            else if (args.Count > 1)
            {
                error.WriteLine($"-metaStatus: Illegal option {args[^1]}");
            }

            error.Write(Usage);
            return FsShell.UsageExitCode;
        }

        try
        {
            var status = await context().Client.MetaStatusAsync(new MetaStatusRequest { Detail = args.Count == 2 }).ConfigureAwait(false);
            output.Write(MetaStatusFormat.Format(status));
            return 0;
        }
        catch (JindoMetaException e)
        {
            error.WriteLine($"metaStatus: {e.ServerMessage}");
            return 1;
        }
    }
}
