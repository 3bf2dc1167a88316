using JindoMeta.TableStore.Emulator;

namespace JindoMeta.TableStore.Tests.Support;

/// <summary>An in-process emulator on a free port plus a client of ours pointed at it.</summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    public const string Instance = "test-inst";
    public const string KeyId = "test-key-id";
    public const string Secret = "test-secret-value";

    private EmulatorHarness(TableStoreEmulator emulator, TableStoreClient client)
    {
        Emulator = emulator;
        Client = client;
    }

    public TableStoreEmulator Emulator { get; }

    public TableStoreClient Client { get; }

    public static async Task<EmulatorHarness> StartAsync(EmulatorOptions? options = null, Func<TableStoreOptions, TableStoreOptions>? client = null)
    {
        options ??= new EmulatorOptions();
        options = options with { Port = 0, InstanceName = Instance, AccessKeyId = KeyId, AccessKeySecret = Secret };
        var emulator = await TableStoreEmulator.StartAsync(options);
        var clientOptions = emulator.ClientOptions();
        return new EmulatorHarness(emulator, new TableStoreClient(client is null ? clientOptions : client(clientOptions)));
    }

    public TableStoreClient NewClient(Func<TableStoreOptions, TableStoreOptions> configure, TimeProvider? time = null) =>
        new(configure(Emulator.ClientOptions()), timeProvider: time);

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
    }

    public static TableSchema UsersSchema(string name = "users") =>
        new(name, [new PrimaryKeySchemaColumn("uid", PrimaryKeyType.String), new PrimaryKeySchemaColumn("seq", PrimaryKeyType.Integer)]);
}
