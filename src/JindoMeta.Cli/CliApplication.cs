using JindoMeta.Cli.Admin;
using JindoMeta.Cli.Configuration;
using JindoMeta.Cli.Shell;
using JindoMeta.Client;

namespace JindoMeta.Cli;

/// <summary>`jindo [generic options] (fs|jfs) ...`; returns the process exit code.</summary>
public static class CliApplication
{
    public const string Usage = """
        Usage: jindo [generic options] fs -VERB [options] <path> ...
               jindo [generic options] jfs -metaStatus [-detail]
               jindo [generic options] jfs -transferLeader <host:port> [<namespace>]
               jindo [generic options] jfs -verifyReplica [<namespace>]
        Generic options (also accepted right after fs/jfs):
          --rpc-address host:port[,host:port...]   servers to use (key jfs.namespace.server.rpc-address)
          --timeout SECONDS                        deadline of each operation, retries included (default 30)
          --user NAME                              Hadoop user (default: $HADOOP_USER_NAME, else the OS user)
          -D key=value                             set a key (jfs.namespace.server.rpc-address, jfs.namespace.client.deadline-seconds)
        Sources, first wins: options, -D, $JINDO_RPC_ADDRESS / $JINDO_RPC_TIMEOUT, $JINDO_CONF_DIR/jindometa.cfg, default 127.0.0.1:8101.
        Run `jindo fs -help` for the verbs.
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<string, string?> environment, TimeZoneInfo timeZone)
    {
        var options = new GenericOptions();
        int index;
        try
        {
            index = options.Consume(args, 0);
            if (index >= args.Count || args[index] is "-h" or "--help" or "help")
            {
                (index >= args.Count ? error : output).WriteLine(Usage);
                return index >= args.Count ? FsShell.UsageExitCode : 0;
            }

            var tool = args[index];
            index = options.Consume(args, index + 1);
            var rest = args.Skip(index).ToList();
            var settings = CliSettings.Resolve(options, environment);
            JindoMetaClient? client = null;
            ShellContext Context()
            {
                client ??= new JindoMetaClient(settings.ToClientOptions());
                // With a client certificate and no --user the certificate names the caller on the server side; the
                // CLI cannot tell that name, so the home directory falls back to the OS user's.
                return new ShellContext(client, output, error, timeZone, settings.User ?? Environment.UserName);
            }

            try
            {
                switch (tool)
                {
                    case "fs":
                        return await FsShell.RunAsync(Context, rest, output, error).ConfigureAwait(false);
                    case "jfs":
                        return await JfsAdmin.RunAsync(Context, rest, output, error).ConfigureAwait(false);
                    default:
                        error.WriteLine($"jindo: unknown tool '{tool}' (expected fs or jfs)");
                        error.WriteLine(Usage);
                        return FsShell.UsageExitCode;
                }
            }
            finally
            {
                client?.Dispose();
            }
        }
        catch (FormatException e)
        {
            error.WriteLine($"jindo: {e.Message}");
            return FsShell.UsageExitCode;
        }
        catch (ArgumentException e)
        {
            error.WriteLine($"jindo: {e.Message}");
            return FsShell.UsageExitCode;
        }
        catch (InvalidDataException e)
        {
            error.WriteLine($"jindo: {e.Message}"); // a TLS file that does not load
            return 1;
        }
    }
}
