using System.Globalization;
using System.Text;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Tests.Reference;

/// <summary>One step of a model-based run: a command to submit or a read.</summary>
public abstract record ModelOperation;

public sealed record SubmitOperation(NamespaceCommand Command) : ModelOperation;

public sealed record GetFileInfoOperation(string Path, CallerIdentity Caller) : ModelOperation;

public sealed record ListStatusOperation(string Path, string? StartAfter, int Limit, CallerIdentity Caller) : ModelOperation;

public sealed record ContentSummaryOperation(string Path, CallerIdentity Caller) : ModelOperation;

/// <summary>Text forms of operations and outcomes: what mismatch reports print and what runs compare.</summary>
public static class ModelText
{
    public static string Describe(ModelOperation operation) => operation switch
    {
        SubmitOperation { Command: var command } => command switch
        {
            MkdirsCommand c => $"{c.Caller.User}: mkdirs {Quote(c.Path)} perm={Octal(c.Permission)} createParent={c.CreateParent} umask={Octal(c.Umask)}",
            CreateFileCommand c => $"{c.Caller.User}: create {Quote(c.Path)} perm={Octal(c.Permission)} overwrite={c.Overwrite} createParent={c.CreateParent} repl={c.Replication} blockSize={c.BlockSize} umask={Octal(c.Umask)}",
            CompleteFileCommand c => $"{c.Caller.User}: complete {Quote(c.Path)} length={c.Length} blocks=[{string.Join(',', c.Blocks.Select(b => $"{b.BlockId}:{b.NumBytes}:{b.GenerationStamp}"))}]",
            DeleteCommand c => $"{c.Caller.User}: delete {Quote(c.Path)} recursive={c.Recursive}",
            RenameCommand c => $"{c.Caller.User}: rename {Quote(c.Source)} -> {Quote(c.Destination)} overwrite={c.Overwrite}",
            SetPermissionCommand c => $"{c.Caller.User}: chmod {Octal(c.Permission)} {Quote(c.Path)}",
            SetOwnerCommand c => $"{c.Caller.User}: chown {c.Owner ?? "(null)"}:{c.Group ?? "(null)"} {Quote(c.Path)}",
            SetTimesCommand c => $"{c.Caller.User}: setTimes {Quote(c.Path)} mtime={c.ModificationTime} atime={c.AccessTime}",
            _ => command.ToString(),
        },
        GetFileInfoOperation o => $"{o.Caller.User}: stat {Quote(o.Path)}",
        ListStatusOperation o => $"{o.Caller.User}: ls {Quote(o.Path)} startAfter={(o.StartAfter is null ? "(null)" : Quote(o.StartAfter))} limit={o.Limit}",
        ContentSummaryOperation o => $"{o.Caller.User}: count {Quote(o.Path)}",
        _ => operation.ToString(),
    };

    public static string Outcome<T>(Result<T> result, Func<T, string> describe) =>
        result.IsOk ? "ok " + describe(result.Value) : $"error {(int)result.Error!.Code} {result.Error.Code}";

    public static string Status(FileStatus? status)
    {
        if (status is null)
        {
            return "(none)";
        }

        var r = status.Record;
        var text = new StringBuilder();
        text.Append(Quote(status.Path)).Append(" id=").Append(r.Id).Append(' ').Append(r.Type == InodeType.Directory ? "dir" : "file")
            .Append(' ').Append(Octal(r.Permission)).Append(' ').Append(r.Owner).Append(':').Append(r.Group)
            .Append(" mtime=").Append(r.ModificationTime).Append(" atime=").Append(r.AccessTime);
        if (r.Type == InodeType.File)
        {
            text.Append(" len=").Append(r.Length).Append(" repl=").Append(r.Replication).Append(" bs=").Append(r.BlockSize)
                .Append(r.UnderConstruction ? " uc" : "").Append(" blocks=[")
                .Append(string.Join(',', r.Blocks.Select(b => $"{b.BlockId}:{b.NumBytes}:{b.GenerationStamp}"))).Append(']');
        }

        return text.ToString();
    }

    public static string Listing(DirectoryListing listing) =>
        $"[{string.Join(" | ", listing.Entries.Select(Status))}] hasMore={listing.HasMore}";

    public static string Summary(ContentSummary summary) =>
        $"dirs={summary.DirectoryCount} files={summary.FileCount} bytes={summary.Length}";

    public static string Octal(ushort value) => Convert.ToString(value, 8);

    /// <summary>Quotes a path, escaping what would not print (NUL, surrogates, other controls).</summary>
    public static string Quote(string text)
    {
        var quoted = new StringBuilder("\"");
        foreach (var c in text)
        {
            if (c < ' ' || char.IsSurrogate(c) || c >= '\uE000' && c <= '\uF8FF' || c == '"' || c == '\\')
            {
                quoted.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
            }
            else
            {
                quoted.Append(c);
            }
        }

        return quoted.Append('"').ToString();
    }
}
