namespace JindoMeta.TableStore.Emulator;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("the emulator is not built yet");
        return 2;
    }
}
