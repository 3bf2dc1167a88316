using System.Diagnostics;

namespace JindoMeta.Server.Tests.Support;

/// <summary>
/// Runs an independent gRPC peer, a script under node/ (grpc-js) or python/ (Debian's python3-grpcio), to completion
/// and returns its standard output lines. A missing runtime or package fails the test with a message naming
/// tests/run.sh, which installs them; it never skips.
/// </summary>
public static class PeerScript
{
    /// <summary>Debian's interpreter: the python3 first on PATH may be another one without the apt packages.</summary>
    public const string SystemPython = "/usr/bin/python3";

    /// <summary>Exit code of the python peers when grpc or google.protobuf cannot be imported.</summary>
    public const int PythonPackagesMissing = 3;

    // Generous: a peer starts a runtime and may make thousands of calls on a loaded 2-core machine.
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(180);

    public static string NodeDirectory => Path.Combine(ConfigTests.RepoRoot(), "tests", "JindoMeta.Server.Tests", "node");

    public static string PythonDirectory => Path.Combine(ConfigTests.RepoRoot(), "tests", "JindoMeta.Server.Tests", "python");

    public static string ProtoRoot => Path.Combine(ConfigTests.RepoRoot(), "protos");

    public static Task<IReadOnlyList<string>> RunNodeAsync(string script, params string[] arguments) =>
        RunNodeAsync(script, new Dictionary<string, string>(), arguments);

    /// <summary>As <see cref="RunNodeAsync(string, string[])"/>, with environment variables (credentials stay out of the arguments).</summary>
    public static async Task<IReadOnlyList<string>> RunNodeAsync(string script, IReadOnlyDictionary<string, string> environment, params string[] arguments)
    {
        Assert.True(Directory.Exists(Path.Combine(NodeDirectory, "node_modules", "@grpc", "grpc-js")) &&
            Directory.Exists(Path.Combine(NodeDirectory, "node_modules", "tablestore")),
            $"npm peers missing in {NodeDirectory}: run tests/run.sh (it runs npm ci there)");
        var (exitCode, stdout, stderr) = await RunAsync("node", NodeDirectory, script, arguments, environment);
        Assert.True(exitCode == 0, $"node {script} exited with {exitCode}: {stderr}");
        return Lines(stdout);
    }

    public static async Task<IReadOnlyList<string>> RunPythonAsync(string script, params string[] arguments)
    {
        Assert.True(File.Exists(SystemPython), $"{SystemPython} is missing: run tests/run.sh (it installs python3-grpcio and python3-protobuf)");
        var (exitCode, stdout, stderr) = await RunAsync(SystemPython, PythonDirectory, script, arguments, new Dictionary<string, string>());
        Assert.True(exitCode != PythonPackagesMissing, $"Debian's python3-grpcio or python3-protobuf is missing: run tests/run.sh. {stderr}");
        Assert.True(exitCode == 0, $"{SystemPython} {script} exited with {exitCode}: {stderr}");
        return Lines(stdout);
    }

    private static async Task<(int ExitCode, string Stdout, string Stderr)> RunAsync(
        string program, string directory, string script, string[] arguments, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo(program, [script, .. arguments])
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"could not start {program}");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"{program} {script} did not finish within {Timeout.TotalSeconds:0} s: {await stderr}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }

    private static List<string> Lines(string output) => [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries)];
}
