namespace JindoMeta.Cli;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("jindo: not built yet");
        return 2;
    }
}
