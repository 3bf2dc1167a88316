namespace JindoMeta.Namespace.Errors;

/// <summary>An expected failure of a namespace operation: a value, not an exception.</summary>
/// <param name="Code">Stable numeric code (see <see cref="ErrorCode"/>).</param>
/// <param name="Message">Human-readable text that names the path or argument at fault.</param>
public sealed record NamespaceError(ErrorCode Code, string Message)
{
    public const string ReadOnlyMessage = "Namespace is under recovery mode, and is read-only.";

    public static NamespaceError NotFound(string path) => new(ErrorCode.FileNotFound, $"{path}: No such file or directory");
    public static NamespaceError AlreadyExists(string path) => new(ErrorCode.FileAlreadyExists, $"{path}: File exists");
    public static NamespaceError ParentNotDirectory(string path) => new(ErrorCode.ParentNotDirectory, $"{path}: Parent path is not a directory");
    public static NamespaceError NotEmpty(string path) => new(ErrorCode.DirectoryNotEmpty, $"{path}: Directory is not empty");
    public static NamespaceError IsDirectory(string path) => new(ErrorCode.IsDirectory, $"{path}: Is a directory");
    public static NamespaceError InvalidArgument(string message) => new(ErrorCode.InvalidArgument, message);
    public static NamespaceError InvalidRename(string message) => new(ErrorCode.InvalidRename, message);
    public static NamespaceError ReadOnly { get; } = new(ErrorCode.ReadOnly, ReadOnlyMessage);

    /// <summary>For <see cref="ErrorCode.NotLeader"/>: the leader's client address (host:port), when known.</summary>
    public string? Leader { get; init; }

    /// <summary>This node does not lead: nothing was applied; the client should go to <paramref name="leader"/>.</summary>
    public static NamespaceError NotLeader(string leader) => new(ErrorCode.NotLeader, $"This node is not the leader; the leader is {leader}") { Leader = leader };

    /// <summary>No leader is known (an election is running): nothing was applied; retry after a short wait.</summary>
    public static NamespaceError NoLeader { get; } = new(ErrorCode.Unavailable, "No leader is elected at the moment; retry shortly");

    public static NamespaceError AccessDenied(string user, string access, string path, string inodeDescription) =>
        new(ErrorCode.AccessDenied, $"Permission denied: user={user}, access={access}, inode=\"{path}\":{inodeDescription}");

    public override string ToString() => $"{(int)Code} {Code}: {Message}";
}
