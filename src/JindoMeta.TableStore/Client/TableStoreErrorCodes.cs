namespace JindoMeta.TableStore;

/// <summary>Error codes of the service (PROTOCOL.md 5.1) plus the client's own.</summary>
public static class TableStoreErrorCodes
{
    public const string AuthFailed = "OTSAuthFailed";
    public const string NoPermissionAccess = "OTSNoPermissionAccess";
    public const string RequestBodyTooLarge = "OTSRequestBodyTooLarge";
    public const string RequestTimeout = "OTSRequestTimeout";
    public const string MethodNotAllowed = "OTSMethodNotAllowed";
    public const string ParameterInvalid = "OTSParameterInvalid";
    public const string InvalidPk = "OTSInvalidPK";
    public const string OutOfColumnCountLimit = "OTSOutOfColumnCountLimit";
    public const string OutOfRowSizeLimit = "OTSOutOfRowSizeLimit";
    public const string ObjectNotExist = "OTSObjectNotExist";
    public const string TableNotReady = "OTSTableNotReady";
    public const string ObjectAlreadyExist = "OTSObjectAlreadyExist";
    public const string RowOperationConflict = "OTSRowOperationConflict";
    public const string ConditionCheckFail = "OTSConditionCheckFail";
    public const string NotEnoughCapacityUnit = "OTSNotEnoughCapacityUnit";
    public const string CapacityUnitExhausted = "OTSCapacityUnitExhausted";
    public const string QuotaExhausted = "OTSQuotaExhausted";
    public const string ServerBusy = "OTSServerBusy";
    public const string PartitionUnavailable = "OTSPartitionUnavailable";
    public const string Timeout = "OTSTimeout";
    public const string ServerUnavailable = "OTSServerUnavailable";
    public const string InternalServerError = "OTSInternalServerError";
    public const string OperationThrottled = "OTSOperationThrottled";
    public const string StorageServerBusy = "OTSStorageServerBusy";

    /// <summary>Client side: the reply failed MD5 / signature / date checks or could not be decoded.</summary>
    public const string ClientInvalidResponse = "ClientInvalidResponse";
    /// <summary>Client side: the connection failed or the attempt timed out.</summary>
    public const string ClientNetworkError = "ClientNetworkError";

    /// <summary>The HTTP status the service answers with for a code.</summary>
    public static int HttpStatusOf(string code) => code switch
    {
        AuthFailed or NoPermissionAccess or ConditionCheckFail or NotEnoughCapacityUnit or CapacityUnitExhausted or QuotaExhausted => 403,
        RequestBodyTooLarge => 413,
        RequestTimeout => 408,
        MethodNotAllowed => 405,
        ObjectNotExist or TableNotReady => 404,
        ObjectAlreadyExist or RowOperationConflict => 409,
        ServerBusy or PartitionUnavailable or Timeout or ServerUnavailable => 503,
        InternalServerError => 500,
        _ => 400,
    };
}
