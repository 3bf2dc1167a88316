namespace JindoMeta.TableStore;

/// <summary>
/// A Tablestore call failed: the service's error code and message (decoded from the protobuf <c>Error</c> body), the
/// request id and HTTP status. Never carries credentials.
/// </summary>
public sealed class TableStoreException : Exception
{
    public TableStoreException(string operation, string code, string errorMessage, string? requestId, int httpStatus, Exception? inner = null)
        : base($"{operation} failed: {code}: {errorMessage} (HTTP {httpStatus}, request id {requestId ?? "none"})", inner)
    {
        Operation = operation;
        Code = code;
        ErrorMessage = errorMessage;
        RequestId = requestId;
        HttpStatus = httpStatus;
    }

    public TableStoreException()
        : this("unknown", "unknown", "unknown", null, 0)
    {
    }

    public TableStoreException(string message)
        : this("unknown", "unknown", message, null, 0)
    {
    }

    public TableStoreException(string message, Exception innerException)
        : this("unknown", "unknown", message, null, 0, innerException)
    {
    }

    public string Operation { get; }

    public string Code { get; }

    public string ErrorMessage { get; }

    public string? RequestId { get; }

    public int HttpStatus { get; }
}
