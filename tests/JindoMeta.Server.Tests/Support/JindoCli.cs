using System.Diagnostics;

namespace JindoMeta.Server.Tests.Support;

/// <summary>The real `jindo` process (the CLI's build output sits beside the tests), as the superuser root, TZ=UTC.</summary>
public static class JindoCli
{
    public static Task<(int ExitCode, string Out, string Error)> RunAsync(string address, params string[] args) =>
        RunAsync(address, new Dictionary<string, string?>(), args);

    /// <summary>As <see cref="RunAsync(string, string[])"/>, with environment changes (a null value removes the variable).</summary>
    public static async Task<(int ExitCode, string Out, string Error)> RunAsync(string address, IReadOnlyDictionary<string, string?> environment, params string[] args)
    {
        var start = new ProcessStartInfo(DaemonProcess.DotnetHost(), [Path.Combine(AppContext.BaseDirectory, "jindo.dll"), .. args])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["TZ"] = "UTC";
        start.Environment["HADOOP_USER_NAME"] = "root";
        start.Environment["JINDO_RPC_ADDRESS"] = address;
        start.Environment.Remove("JINDO_CONF_DIR");
        start.Environment.Remove("JINDO_RPC_TIMEOUT");
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await output, await error);
    }
}
