using JindoMeta.Server.Configuration;
using JindoMeta.Server.Hosting;

namespace JindoMeta.Server;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        ServerCommandLine commandLine;
        EffectiveConfig config;
        ServerSettings settings;
        try
        {
            commandLine = ServerCommandLine.Parse(args, Environment.GetEnvironmentVariable("JINDOMETA_CONFIG"));
            if (commandLine.Help)
            {
                Console.Out.WriteLine(ServerCommandLine.Usage);
                return 0;
            }

            config = EffectiveConfig.Load(commandLine.ConfigFile, ReadConfigFile(commandLine.ConfigFile),
                Environment.GetEnvironmentVariables(), commandLine.Overrides);
            settings = ServerSettings.From(config);
        }
        catch (ConfigException e)
        {
            await Console.Error.WriteLineAsync($"jindometa: configuration error: {e.Message}").ConfigureAwait(false);
            return 2;
        }

        if (commandLine.PrintConfig)
        {
            await Console.Out.WriteAsync(config.Print()).ConfigureAwait(false);
            return 0;
        }

        return await JindoMetaServer.RunAsync(settings).ConfigureAwait(false);
    }

    private static string[]? ReadConfigFile(string? path)
    {
        if (path is null)
        {
            return null;
        }

        try
        {
            return File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException($"cannot read config file {path}: {e.Message}");
        }
    }
}
