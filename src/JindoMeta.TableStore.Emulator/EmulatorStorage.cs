namespace JindoMeta.TableStore.Emulator;

/// <summary>Durable store kinds of the emulator.</summary>
public enum EmulatorStorage
{
    RocksDb,
    Log,
}
