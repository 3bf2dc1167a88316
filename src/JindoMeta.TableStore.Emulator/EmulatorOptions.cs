using System.Text;

namespace JindoMeta.TableStore.Emulator;

/// <summary>How an emulator instance listens, whom it accepts, and where it keeps data.</summary>
public sealed record EmulatorOptions
{
    /// <summary>TCP port on 127.0.0.1; 0 picks a free one (see <see cref="TableStoreEmulator.Endpoint"/>).</summary>
    public int Port { get; init; }

    public string InstanceName { get; init; } = "emulator";

    public string AccessKeyId { get; init; } = "emulator-id";

    public string AccessKeySecret { get; init; } = "emulator-secret";

    /// <summary>Where data is kept across restarts; null keeps everything in memory.</summary>
    public string? DataDirectory { get; init; }

    /// <summary>How <see cref="DataDirectory"/> is written: RocksDB (default) or an fsync'd append-only log.</summary>
    public EmulatorStorage Storage { get; init; } = EmulatorStorage.RocksDb;

    /// <summary>Requests whose x-ots-date is further than this from the emulator clock fail with OTSAuthFailed.</summary>
    public TimeSpan MaxClockSkew { get; init; } = TimeSpan.FromMinutes(15);

    /// <summary>Tables the instance may hold (the service's default quota is 64; it can be raised on request).</summary>
    public int MaxTables { get; init; } = 64;

    /// <summary>Local transaction lifetime (the service's is 60 s).</summary>
    public TimeSpan TransactionTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// When true, StartLocalTransaction needs a table created with enable_local_txn (as the service). Off by default
    /// because the Node SDK's CreateTable cannot set that field.
    /// </summary>
    public bool RequireLocalTransactionFlag { get; init; }

    public FaultOptions Faults { get; init; } = FaultOptions.None;

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    private bool PrintMembers(StringBuilder builder)
    {
        builder.Append("Port = ").Append(Port)
            .Append(", InstanceName = ").Append(InstanceName)
            .Append(", AccessKeyId = ").Append(AccessKeyId)
            .Append(", AccessKeySecret = ***")
            .Append(", DataDirectory = ").Append(DataDirectory ?? "(memory)")
            .Append(", Storage = ").Append(Storage)
            .Append(", Faults = ").Append(Faults);
        return true;
    }
}
