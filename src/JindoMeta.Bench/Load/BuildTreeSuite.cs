using System.Globalization;
using System.Text.Json;

namespace JindoMeta.Bench.Load;

/// <summary>
/// `jindometa-bench build-tree --address host:port [--dirs N] [--files M] [--callers C] [--connections K] [--complete true|false] [--root /tree]`:
/// fills a running server with a <see cref="TreeShape"/> (default the seed's 1,596 directories and 1,482,809 files)
/// through <see cref="TreeBuilder"/>, as HADOOP_USER_NAME (else the OS user), and prints what it did, its rate and a JSON line.
/// Callers: the largest of --callers (64 by default).
/// </summary>
public static class BuildTreeSuite
{
    public static async Task<int> RunAsync(BenchSettings settings)
    {
        if (settings.Address is not { } address)
        {
            Console.Error.WriteLine("build-tree needs --address host:port (the server to fill)");
            return 2;
        }

        var shape = new TreeShape(settings.TreeRoot, settings.Directories, settings.Files);
        var callers = settings.Callers.Max();
        using var clients = new ClientSet(address, settings.Connections);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"# build-tree: {shape.Directories:N0} directories, {shape.Files:N0} files under {shape.Root} on {address}, {callers} callers over {settings.Connections} connections, as {clients.Clients[0].Options.User}"));
        var result = await TreeBuilder.BuildAsync(clients.Clients, shape, callers, settings.CompleteFiles, line => Console.Error.WriteLine($"# {line}"));
        Console.WriteLine(Describe(result));
        Console.WriteLine(JsonSerializer.Serialize(new { suite = "build-tree", address, callers, settings.Connections, result, result.OperationsPerSecond, result.FilesPerSecond }));
        return 0;
    }

    /// <summary>One line: what was written and how fast.</summary>
    public static string Describe(TreeBuildResult result) => string.Create(CultureInfo.InvariantCulture,
        $"built {result.Directories:N0} directories ({result.DirectoriesElapsed.TotalSeconds:N2} s) and {result.Files:N0} files, {result.FileWrites}: " +
        $"{result.Operations:N0} writes in {result.Elapsed.TotalSeconds:N2} s = {result.OperationsPerSecond:N0} writes/s, {result.FilesPerSecond:N0} files/s");
}
