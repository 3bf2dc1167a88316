namespace JindoMeta.TableStore.Emulator.Storage;

/// <summary>A row image to persist: the whole row after a write (PlainBuffer, all versions), or null for a delete.</summary>
internal readonly record struct RowImage(string Table, PrimaryKey Key, byte[]? Image);

/// <summary>What a store feeds back at start-up, in an order that rebuilds the state.</summary>
internal interface IEmulatorStoreReplay
{
    void TableCreated(ReadOnlySpan<byte> createRecord);

    void TableDeleted(string table);

    /// <summary>A PlainBuffer row image; one with the delete marker removes the row.</summary>
    void RowWritten(string table, ReadOnlySpan<byte> image);
}

/// <summary>
/// Durable home of the emulator's tables. Every call returns only once the change is on disk (fsync), so a reply
/// the emulator sent is never lost by a crash.
/// </summary>
internal interface IEmulatorStore : IDisposable
{
    void Load(IEmulatorStoreReplay replay);

    void CreateTable(string table, byte[] createRecord);

    void DeleteTable(string table);

    void WriteRows(IReadOnlyList<RowImage> rows);
}
