namespace JindoMeta.Server;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("jindometa: not built yet");
        return 2;
    }
}
