namespace JindoMeta.Cli.Shell;

/// <summary>An error of one path or argument, printed as "verb: message" (e.g. "ls: `jfs://t/x': No such file or directory").</summary>
public sealed class ShellException(string message) : Exception(message)
{
    public static ShellException NotFound(JfsPath path) => new($"`{path}': No such file or directory");

    public static ShellException Exists(JfsPath path) => new($"`{path}': File exists");

    public static ShellException IsDirectory(JfsPath path) => new($"`{path}': Is a directory");

    public static ShellException NotDirectory(JfsPath path) => new($"`{path}': Is not a directory");

    public static ShellException NotEmpty(JfsPath path) => new($"`{path}': Directory is not empty");

    public static ShellException InputOutput(JfsPath path) => new($"`{path}': Input/output error");
}

/// <summary>Bad options or arguments: printed with the verb's usage, exit code 255 (Hadoop's -1).</summary>
public sealed class UsageException(string message) : Exception(message);
