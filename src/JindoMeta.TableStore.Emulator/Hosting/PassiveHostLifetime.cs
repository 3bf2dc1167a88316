using Microsoft.Extensions.Hosting;

namespace JindoMeta.TableStore.Emulator.Hosting;

/// <summary>
/// The emulator's web host lifetime: it registers no signal handler and never stops the host by itself; whoever
/// owns the <see cref="TableStoreEmulator"/> disposes it. The default ConsoleLifetime cancels the process's SIGINT,
/// SIGQUIT and SIGTERM and only raises ApplicationStopping, which nothing here waits for: the command swallowed
/// SIGTERM, and a test process hosting an emulator could not be terminated either.
/// </summary>
internal sealed class PassiveHostLifetime : IHostLifetime
{
    public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
