using System.Diagnostics;

namespace JindoMeta.Rpc.Tests;

/// <summary>Runs the grpc-js peers in node/ (npm install there first; tests/run.sh does it).</summary>
public sealed class NodePeer : IAsyncDisposable
{
    private readonly Process _process;

    private NodePeer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public static string NodeDirectory
    {
        get
        {
            // bin/Release/net10.0 → the test project directory
            var directory = Path.GetFullPath(Path.Combine(AppContext.BaseDirectory, "..", "..", "..", "node"));
            if (!Directory.Exists(Path.Combine(directory, "node_modules", "@grpc", "grpc-js")))
            {
                throw new InvalidOperationException($"grpc-js is not installed: run 'npm install' in {directory} (tests/run.sh does this).");
            }

            return directory;
        }
    }

    /// <summary>Runs a script to completion and returns its standard output; a non-zero exit fails with stderr.</summary>
    public static async Task<string> RunAsync(string script, params string[] arguments)
    {
        using var process = Start(script, arguments);
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var stdout = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var stderr = process.StandardError.ReadToEndAsync(timeout.Token);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"node {script} exited with {process.ExitCode}: {await stderr}");
        }

        return await stdout;
    }

    /// <summary>Starts node/server.js (grpc-js echo server on 127.0.0.1:0) and waits for its port.</summary>
    public static async Task<NodePeer> StartServerAsync()
    {
        var process = Start("server.js");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
        if (line is null || !line.StartsWith("PORT ", StringComparison.Ordinal))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"node server.js did not report its port: {line} {await process.StandardError.ReadToEndAsync(timeout.Token)}");
        }

        return new NodePeer(process, int.Parse(line.AsSpan(5), System.Globalization.CultureInfo.InvariantCulture));
    }

    public async ValueTask DisposeAsync()
    {
        _process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
        }

        _process.Dispose();
    }

    private static Process Start(string script, params string[] arguments)
    {
        var info = new ProcessStartInfo("node")
        {
            WorkingDirectory = NodeDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(script);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("Could not start node.");
    }
}
