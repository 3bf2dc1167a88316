namespace JindoMeta.Namespace.Errors;

/// <summary>
/// Stable numeric error codes. They travel over RPC (a trailer next to the gRPC status) and appear in
/// logs and CLI output, so a number is never reused or renumbered. 25021 is JindoFS's own code for
/// "under recovery mode"; the others sit beside it in the same range.
/// </summary>
public enum ErrorCode
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

    /// <summary>The file is being written by another client (its lease is held), or is not being written by this one.</summary>
    LeaseConflict = 25016,

    /// <summary>Stored data does not match its checksum: the block is corrupt.</summary>
    ChecksumMismatch = 25017,
    ReadOnly = 25021,
}
