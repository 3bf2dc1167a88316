namespace JindoMeta.Bench;

internal static class Program
{
    private static int Main()
    {
        Console.Error.WriteLine("benchmarks arrive with the rocksdb backend");
        return 2;
    }
}
