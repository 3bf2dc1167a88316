using Google.Protobuf;
using JindoMeta.TableStore.Emulator.Storage;
using JindoMeta.TableStore.PlainBuffer;
using JindoMeta.TableStore.Protocol;

namespace JindoMeta.TableStore.Emulator.Engine;

/// <summary>
/// The service's semantics over in-memory tables, made durable by an optional <see cref="OperationLog"/>. One lock
/// serializes requests: the emulator favours exactness over parallelism. Operations live in the partials.
/// </summary>
internal sealed partial class EmulatorEngine : IDisposable, IEmulatorStoreReplay
{
    private readonly object _gate = new();
    private readonly Dictionary<string, EmulatedTable> _tables = new(StringComparer.Ordinal);
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _time;
    private readonly IEmulatorStore? _store;

    public EmulatorEngine(EmulatorOptions options)
    {
        _options = options;
        _time = options.TimeProvider;
        if (options.DataDirectory is { } directory)
        {
            _store = options.Storage == EmulatorStorage.Log ? new OperationLog(directory) : new RocksEmulatorStore(directory);
            try
            {
                _store.Load(this);
            }
            catch
            {
                _store.Dispose();
                throw;
            }
        }
    }

    /// <summary>Closes the store after the request running now, if any (a drain cut short by Kestrel's timeout).</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _store?.Dispose();
        }
    }

    /// <summary>Runs one operation on a request body and returns the reply body; failures throw <see cref="OtsError"/>.</summary>
    public byte[] Execute(string operation, ReadOnlySpan<byte> body)
    {
        lock (_gate)
        {
            try
            {
                return Dispatch(operation, body);
            }
            finally
            {
                FlushLog();
            }
        }
    }

    private byte[] Dispatch(string operation, ReadOnlySpan<byte> body)
    {
        {
            IMessage reply = operation switch
            {
                "CreateTable" => CreateTable(Parse(CreateTableRequest.Parser, body)),
                "ListTable" => ListTable(Parse(ListTableRequest.Parser, body)),
                "DescribeTable" => DescribeTable(Parse(DescribeTableRequest.Parser, body)),
                "DeleteTable" => DeleteTable(Parse(DeleteTableRequest.Parser, body)),
                "PutRow" => PutRow(Parse(PutRowRequest.Parser, body)),
                "GetRow" => GetRow(Parse(GetRowRequest.Parser, body)),
                "UpdateRow" => UpdateRow(Parse(UpdateRowRequest.Parser, body)),
                "DeleteRow" => DeleteRow(Parse(DeleteRowRequest.Parser, body)),
                "BatchWriteRow" => BatchWriteRow(Parse(BatchWriteRowRequest.Parser, body)),
                "BatchGetRow" => BatchGetRow(Parse(BatchGetRowRequest.Parser, body)),
                "GetRange" => GetRange(Parse(GetRangeRequest.Parser, body)),
                "StartLocalTransaction" => StartLocalTransaction(Parse(StartLocalTransactionRequest.Parser, body)),
                "CommitTransaction" => CommitTransaction(Parse(CommitTransactionRequest.Parser, body)),
                "AbortTransaction" => AbortTransaction(Parse(AbortTransactionRequest.Parser, body)),
                _ => throw new OtsError(OtsError.UnsupportedOperation, $"Unsupported operation: '{operation}'."),
            };
            return reply.ToByteArray();
        }
    }

    public static bool IsKnownOperation(string operation) => operation is
        "CreateTable" or "ListTable" or "DescribeTable" or "DeleteTable" or "PutRow" or "GetRow" or "UpdateRow" or
        "DeleteRow" or "BatchWriteRow" or "BatchGetRow" or "GetRange" or "StartLocalTransaction" or "CommitTransaction" or
        "AbortTransaction";

    private static T Parse<T>(MessageParser<T> parser, ReadOnlySpan<byte> body)
        where T : IMessage<T>
    {
        T message;
        try
        {
            message = parser.ParseFrom(body);
        }
        catch (InvalidProtocolBufferException e)
        {
            throw OtsError.Invalid("Failed to parse the request body: " + e.Message);
        }
        if (!message.IsInitialized())
        {
            throw OtsError.Invalid($"The request {typeof(T).Name} misses a required field.");
        }
        return message;
    }

    private long NowMillis => _time.GetUtcNow().ToUnixTimeMilliseconds();

    private CreateTableResponse CreateTable(CreateTableRequest request)
    {
        var schema = ProtocolMapper.FromTableMeta(request.TableMeta, request.TableOptions) with
        {
            EnableLocalTransaction = request.HasEnableLocalTxn && request.EnableLocalTxn,
            ReservedReadCapacity = request.ReservedThroughput.CapacityUnit.Read,
            ReservedWriteCapacity = request.ReservedThroughput.CapacityUnit.Write,
        };
        ValidateSchema(schema);
        if (_tables.ContainsKey(schema.Name))
        {
            throw new OtsError(TableStoreErrorCodes.ObjectAlreadyExist, "Requested table already exists.");
        }
        if (_tables.Count >= _options.MaxTables)
        {
            throw new OtsError(TableStoreErrorCodes.QuotaExhausted, $"Number of tables exceeded the quota: {_options.MaxTables}.");
        }
        var creationTime = _time.GetUtcNow().ToUnixTimeSeconds();
        _store?.CreateTable(schema.Name, EncodeCreate(request, schema, creationTime));
        _tables.Add(schema.Name, new EmulatedTable(schema, creationTime));
        return new CreateTableResponse();
    }

    private ListTableResponse ListTable(ListTableRequest request)
    {
        _ = request;
        var reply = new ListTableResponse();
        reply.TableNames.Add(_tables.Keys.Order(StringComparer.Ordinal));
        return reply;
    }

    private DescribeTableResponse DescribeTable(DescribeTableRequest request)
    {
        var table = Table(request.TableName);
        var schema = table.Schema;
        var options = ProtocolMapper.ToTableOptions(schema);
        options.DeviationCellVersionInSec = schema.DeviationCellVersionInSeconds ?? 86400;
        options.AllowUpdate = schema.AllowUpdate ?? true;
        return new DescribeTableResponse
        {
            TableMeta = ProtocolMapper.ToTableMeta(schema),
            ReservedThroughputDetails = new ReservedThroughputDetails
            {
                CapacityUnit = new CapacityUnit { Read = schema.ReservedReadCapacity, Write = schema.ReservedWriteCapacity },
                LastIncreaseTime = table.CreationTime,
            },
            TableOptions = options,
            TableStatus = Protocol.TableStatus.Active,
            CreationTime = table.CreationTime,
        };
    }

    private DeleteTableResponse DeleteTable(DeleteTableRequest request)
    {
        Table(request.TableName);
        _store?.DeleteTable(request.TableName);
        _tables.Remove(request.TableName);
        AbortTransactionsOf(request.TableName);
        return new DeleteTableResponse();
    }

    private EmulatedTable Table(string name) =>
        _tables.TryGetValue(name, out var table) ? table : throw new OtsError(TableStoreErrorCodes.ObjectNotExist, "Requested table does not exist.");

    private static void ValidateSchema(TableSchema schema)
    {
        ValidateName(schema.Name, "table");
        if (schema.PrimaryKey.Count is < 1 or > 4)
        {
            throw OtsError.Invalid($"The number of primary key columns must be in range: [1, 4], got {schema.PrimaryKey.Count}.");
        }
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < schema.PrimaryKey.Count; i++)
        {
            var column = schema.PrimaryKey[i];
            ValidateName(column.Name, "primary key column");
            if (!names.Add(column.Name))
            {
                throw OtsError.Invalid($"Duplicated primary key name: '{column.Name}'.");
            }
            if (!Enum.IsDefined(column.Type))
            {
                throw OtsError.Invalid($"Invalid type of primary key column '{column.Name}'.");
            }
            if (column.AutoIncrement && (i == 0 || column.Type != PrimaryKeyType.Integer))
            {
                throw OtsError.Invalid("AUTO_INCREMENT is allowed only on an INTEGER primary key column that is not the partition key.");
            }
        }
        if (schema.PrimaryKey.Count(c => c.AutoIncrement) > 1)
        {
            throw OtsError.Invalid("At most one primary key column can be AUTO_INCREMENT.");
        }
        if (schema.DefinedColumns.Count > 32)
        {
            throw OtsError.Invalid("The number of defined columns exceeds the limit 32.");
        }
        if (schema.MaxVersions < 1 || (schema.TimeToLiveSeconds != -1 && schema.TimeToLiveSeconds < 86400))
        {
            throw OtsError.Invalid("max_versions must be at least 1 and time_to_live -1 or at least 86400 seconds.");
        }
    }

    private static void ValidateName(string name, string what)
    {
        var valid = name.Length is >= 1 and <= 255 && (char.IsAsciiLetter(name[0]) || name[0] == '_') && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
        if (!valid)
        {
            throw OtsError.Invalid($"Invalid {what} name: '{name}'.");
        }
    }

    private static byte[] EncodeCreate(CreateTableRequest request, TableSchema schema, long creationTime)
    {
        var copy = request.Clone();
        copy.EnableLocalTxn = schema.EnableLocalTransaction;
        var bytes = copy.ToByteArray();
        var record = new byte[8 + bytes.Length];
        System.Buffers.Binary.BinaryPrimitives.WriteInt64LittleEndian(record, creationTime);
        bytes.CopyTo(record, 8);
        return record;
    }

    void IEmulatorStoreReplay.TableCreated(ReadOnlySpan<byte> createRecord)
    {
        var creationTime = System.Buffers.Binary.BinaryPrimitives.ReadInt64LittleEndian(createRecord);
        var request = CreateTableRequest.Parser.ParseFrom(createRecord[8..]);
        var schema = ProtocolMapper.FromTableMeta(request.TableMeta, request.TableOptions) with
        {
            EnableLocalTransaction = request.EnableLocalTxn,
            ReservedReadCapacity = request.ReservedThroughput.CapacityUnit.Read,
            ReservedWriteCapacity = request.ReservedThroughput.CapacityUnit.Write,
        };
        _tables[schema.Name] = new EmulatedTable(schema, creationTime);
    }

    void IEmulatorStoreReplay.TableDeleted(string table) => _tables.Remove(table);

    void IEmulatorStoreReplay.RowWritten(string table, ReadOnlySpan<byte> image)
    {
        if (!_tables.TryGetValue(table, out var emulated))
        {
            return;
        }
        var row = PlainBufferReader.ReadSingleRow(image);
        if (row.DeleteMarker)
        {
            emulated.Remove(row.Key);
            return;
        }
        var stored = new StoredRow(row.Key);
        foreach (var cell in row.Cells)
        {
            stored.PutVersion(cell.Name, new CellVersion(cell.Timestamp ?? 0, cell.Value ?? ColumnValue.Null), int.MaxValue);
        }
        emulated.Store(stored);
    }
}
