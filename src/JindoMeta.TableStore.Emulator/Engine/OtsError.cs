namespace JindoMeta.TableStore.Emulator.Engine;

/// <summary>
/// An error answer of the service (code, message; HTTP status follows from the code). Thrown inside the engine and
/// turned into a protobuf Error reply at the edge, or into a per-row failure inside batches.
/// </summary>
internal sealed class OtsError : Exception
{
    public OtsError(string code, string message) : base(message)
    {
        Code = code;
    }

    public OtsError()
    {
        Code = TableStoreErrorCodes.InternalServerError;
    }

    public OtsError(string message) : this(TableStoreErrorCodes.ParameterInvalid, message)
    {
    }

    public OtsError(string message, Exception innerException) : base(message, innerException)
    {
        Code = TableStoreErrorCodes.ParameterInvalid;
    }

    public string Code { get; }

    public int HttpStatus => Code == UnsupportedOperation ? 400 : TableStoreErrorCodes.HttpStatusOf(Code);

    public const string UnsupportedOperation = "OTSUnsupportOperation";

    public static OtsError Invalid(string message) => new(TableStoreErrorCodes.ParameterInvalid, message);
}
