namespace JindoMeta.Client;

/// <summary>
/// JindoMeta's stable numeric error codes as sent in the <c>jindo-error-code</c> trailer. The numbers match the
/// server's; a code this client does not know still arrives as its number.
/// </summary>
public enum JindoErrorCode
{
    None = 0,
    FileNotFound = 25001,
    FileAlreadyExists = 25002,
    ParentNotDirectory = 25003,
    DirectoryNotEmpty = 25004,
    AccessDenied = 25005,
    InvalidPath = 25006,
    InvalidArgument = 25007,
    IsDirectory = 25008,
    InvalidRename = 25009,
    FileNotUnderConstruction = 25010,
    NotLeader = 25011,
    Unavailable = 25012,
    StorageFailure = 25013,
    NamespaceNotFound = 25014,

    /// <summary>The operation may or may not have been applied (leadership changed mid-replication): check before retrying.</summary>
    OutcomeUnknown = 25015,

    /// <summary>The file is being written by another client, which holds its lease.</summary>
    LeaseConflict = 25016,

    /// <summary>Stored data failed its checksum: the block is corrupt.</summary>
    ChecksumMismatch = 25017,
    ReadOnly = 25021,
}
