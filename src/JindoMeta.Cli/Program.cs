namespace JindoMeta.Cli;

internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var output = new StreamWriter(Console.OpenStandardOutput()) { AutoFlush = false, NewLine = "\n" };
        var error = new StreamWriter(Console.OpenStandardError()) { AutoFlush = true, NewLine = "\n" };
        try
        {
            return await CliApplication.RunAsync(args, output, error, Environment.GetEnvironmentVariable, TimeZoneInfo.Local).ConfigureAwait(false);
        }
        finally
        {
            await output.FlushAsync().ConfigureAwait(false);
        }
    }
}
