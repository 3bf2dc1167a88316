using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Tests.Reference;

/// <summary>
/// A deliberately simple model of the namespace, written from HDFS's documented semantics and independently of
/// <see cref="Engine.NamespaceEngine"/>: a dictionary from full path to record. Slow on purpose (every listing
/// scans every path); obviousness is the point. The model-based tests run it beside a real backend and demand
/// the same outcome for every operation.
/// </summary>
public sealed partial class ReferenceNamespace
{
    public const long RootId = 16385;
    public const int MaxListLimit = 10_000;

    private readonly Dictionary<string, InodeRecord> _nodes = new(StringComparer.Ordinal);
    private readonly PermissionSettings _settings;
    private long _nextId = RootId + 1;

    public ReferenceNamespace(PermissionSettings settings, long formatTimeMs)
    {
        _settings = settings;
        _nodes[ReferencePath.Root] = new InodeRecord
        {
            Id = RootId,
            Type = InodeType.Directory,
            Permission = Octal(755),
            Owner = settings.SuperUser,
            Group = settings.SuperGroup,
            ModificationTime = formatTimeMs,
            AccessTime = 0,
        };
    }

    public int Count => _nodes.Count;

    /// <summary>Every path in the model, for generators that want to pick existing ones.</summary>
    public IEnumerable<string> Paths => _nodes.Keys;

    public InodeRecord? Find(string path) => _nodes.GetValueOrDefault(path);

    /// <summary>Permission from its octal digits written as a decimal literal: Octal(755) == 0x1ED.</summary>
    public static ushort Octal(int digits)
    {
        var value = 0;
        var scale = 1;
        for (; digits > 0; digits /= 10, scale *= 8)
        {
            value += digits % 10 * scale;
        }

        return (ushort)value;
    }

    public Result<FileStatus?> Execute(NamespaceCommand command, long timeMs) => command switch
    {
        MkdirsCommand c => Mkdirs(c, timeMs),
        CreateFileCommand c => Create(c, timeMs),
        CompleteFileCommand c => Complete(c, timeMs),
        DeleteCommand c => Delete(c, timeMs),
        RenameCommand c => Rename(c, timeMs),
        SetPermissionCommand c => SetPermission(c),
        SetOwnerCommand c => SetOwner(c),
        SetTimesCommand c => SetTimes(c),
        _ => throw new ArgumentException($"unknown command {command.GetType().Name}", nameof(command)),
    };

    public Result<FileStatus> GetFileInfo(string path, CallerIdentity caller)
    {
        var parsed = ReferencePath.Parse(path);
        if (!parsed.IsOk)
        {
            return parsed.Error!;
        }

        if (Traverse(parsed.Value, caller, ErrorCode.FileNotFound) is { } denied)
        {
            return denied;
        }

        return _nodes.TryGetValue(path, out var node) ? new FileStatus(path, node) : NotFound(path);
    }

    public Result<DirectoryListing> ListStatus(string path, string? startAfter, int limit, CallerIdentity caller)
    {
        if (limit < 1 || limit > MaxListLimit)
        {
            return Error(ErrorCode.InvalidArgument);
        }

        var parsed = ReferencePath.Parse(path);
        if (!parsed.IsOk)
        {
            return parsed.Error!;
        }

        if (Traverse(parsed.Value, caller, ErrorCode.FileNotFound) is { } denied)
        {
            return denied;
        }

        if (!_nodes.TryGetValue(path, out var node))
        {
            return NotFound(path);
        }

        if (!node.IsDirectory)
        {
            return new DirectoryListing([new FileStatus(path, node)], false);
        }

        if (!Can(node, caller, FsAction.ReadExecute))
        {
            return Denied();
        }

        var after = ChildrenOf(path).Where(c => startAfter is null || ReferencePath.CompareUtf8(ReferencePath.Name(c), startAfter) > 0).ToList();
        var page = after.Take(limit).Select(c => new FileStatus(c, _nodes[c])).ToList();
        return new DirectoryListing(page, after.Count > limit);
    }

    public Result<ContentSummary> GetContentSummary(string path, CallerIdentity caller)
    {
        var parsed = ReferencePath.Parse(path);
        if (!parsed.IsOk)
        {
            return parsed.Error!;
        }

        if (Traverse(parsed.Value, caller, ErrorCode.FileNotFound) is { } denied)
        {
            return denied;
        }

        if (!_nodes.ContainsKey(path))
        {
            return NotFound(path);
        }

        var subtree = SubtreeOf(path).ToList();
        if (subtree.Any(p => _nodes[p].IsDirectory && !Can(_nodes[p], caller, FsAction.ReadExecute)))
        {
            return Denied();
        }

        return new ContentSummary(
            subtree.Count(p => _nodes[p].IsDirectory),
            subtree.Count(p => !_nodes[p].IsDirectory),
            subtree.Sum(p => _nodes[p].Length));
    }

    /// <summary>The superuser, a member of the supergroup, or anyone when permissions are off.</summary>
    private bool IsSuper(CallerIdentity caller) =>
        !_settings.Enabled || caller.User == _settings.SuperUser || caller.Groups.Contains(_settings.SuperGroup);

    /// <summary>POSIX: the owner class alone decides for the owner, the group class for members, else other.</summary>
    private bool Can(InodeRecord node, CallerIdentity caller, FsAction access)
    {
        if (IsSuper(caller))
        {
            return true;
        }

        var shift = caller.User == node.Owner ? 6 : caller.Groups.Contains(node.Group) ? 3 : 0;
        var granted = (node.Permission >> shift) & 7;
        return (granted & (int)access) == (int)access;
    }

    /// <summary>
    /// Walks the ancestors of a path from the root (not the path itself): each existing ancestor must be a
    /// directory (else <paramref name="throughFile"/>) that grants execute. Stops at the first missing one.
    /// </summary>
    private NamespaceError? Traverse(List<string> components, CallerIdentity caller, ErrorCode throughFile)
    {
        for (var depth = 0; depth < components.Count; depth++)
        {
            var ancestor = ReferencePath.Join(components.Take(depth));
            if (!_nodes.TryGetValue(ancestor, out var node))
            {
                return null;
            }

            if (!node.IsDirectory)
            {
                return Error(throughFile);
            }

            if (!Can(node, caller, FsAction.Execute))
            {
                return Denied();
            }
        }

        return null;
    }

    /// <summary>The nearest existing strict ancestor of a path that is not the root itself.</summary>
    private string DeepestExistingAncestor(string path)
    {
        var ancestor = ReferencePath.Parent(path);
        while (!_nodes.ContainsKey(ancestor))
        {
            ancestor = ReferencePath.Parent(ancestor);
        }

        return ancestor;
    }

    private List<string> ChildrenOf(string path)
    {
        var children = _nodes.Keys.Where(p => p != ReferencePath.Root && ReferencePath.Parent(p) == path).ToList();
        children.Sort((a, b) => ReferencePath.CompareUtf8(ReferencePath.Name(a), ReferencePath.Name(b)));
        return children;
    }

    private IEnumerable<string> SubtreeOf(string path) =>
        _nodes.Keys.Where(p => p == path || ReferencePath.IsStrictlyUnder(p, path)).ToList();

    private void Touch(string directory, long timeMs) =>
        _nodes[directory] = _nodes[directory] with { ModificationTime = timeMs };

    private FileStatus Status(string path) => new(path, _nodes[path]);

    private static NamespaceError Error(ErrorCode code) => new(code, $"reference model: {code}");

    private static NamespaceError NotFound(string path) => new(ErrorCode.FileNotFound, $"reference model: {path} not found");

    private static NamespaceError Denied() => Error(ErrorCode.AccessDenied);
}
