using JindoMeta.TableStore.Emulator;

namespace JindoMeta.Backend.Ots.Tests.Support;

/// <summary>An emulator of one test class's own (a class fixture), so the faults it injects reach no other test.</summary>
public sealed class PrivateEmulator : IAsyncLifetime
{
    private TableStoreEmulator? _emulator;

    public TableStoreEmulator Emulator => _emulator ?? throw new InvalidOperationException("the emulator is not started");

    /// <summary><see cref="OtsTestTables.Options"/>, pointed at this emulator.</summary>
    public OtsBackendOptions Options(string namespaceName, string holder, TimeSpan lease, bool ha = true) =>
        OtsTestTables.Options(namespaceName, holder, lease, ha) with { TableStore = Emulator.ClientOptions() };

    public async Task InitializeAsync() => _emulator = await TableStoreEmulator.StartAsync(new EmulatorOptions { Port = 0 });

    public async Task DisposeAsync()
    {
        if (_emulator is not null)
        {
            await _emulator.DisposeAsync();
        }
    }
}
