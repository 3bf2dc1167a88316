using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

public sealed partial class NamespaceEngine
{
    /// <summary>
    /// Whether <paramref name="caller"/> may read (HDFS open) or write (add a block to) the data of
    /// <paramref name="file"/>, whose path was resolved with traverse checks already. The data path asks this.
    /// </summary>
    public NamespaceError? CheckDataAccess(FileStatus file, CallerIdentity caller, FsAction access) =>
        file.Record.IsDirectory ? NamespaceError.IsDirectory(file.Path) : CheckAccess(file.Record, file.Path, caller, access);

    private Result<FileStatus?> AppendFile(OverlayState state, AppendFileCommand command, long timestampMs) =>
        Update(state, command.Path, command.Caller, file =>
        {
            if (file.IsDirectory)
            {
                return NamespaceError.IsDirectory(command.Path);
            }

            if (CheckAccess(file, command.Path, command.Caller, FsAction.Write) is { } denied)
            {
                return denied;
            }

            if (file.UnderConstruction)
            {
                return new NamespaceError(ErrorCode.LeaseConflict, $"Failed to APPEND_FILE {command.Path}: the file is already being written (under construction)");
            }

            return file.Blocks.Count >= MaxBlocksPerFile
                ? NamespaceError.InvalidArgument($"{command.Path} already has {file.Blocks.Count} blocks, the limit {MaxBlocksPerFile}: it cannot grow")
                : file with { UnderConstruction = true, ReopenedForAppend = true, ModificationTime = timestampMs };
        });

    private Result<FileStatus?> RecoverLease(OverlayState state, RecoverLeaseCommand command, long timestampMs)
    {
        var found = ResolveExisting(state, command.Path, command.Caller);
        if (!found.IsOk)
        {
            return found.Error!;
        }

        var resolved = found.Value;
        var file = resolved.Last!;
        if (file.Id != command.FileId || !file.UnderConstruction)
        {
            return new FileStatus(command.Path, file); // recovered already, or another file now: nothing to do
        }

        if (CheckOwner(file, command.Path, command.Caller) is { } notOwner)
        {
            return notOwner;
        }

        if (file.ReopenedForAppend)
        {
            var closed = file with { UnderConstruction = false, ReopenedForAppend = false, ModificationTime = timestampMs };
            var (parentId, name) = resolved.KeyOf(resolved.Depth);
            state.Put(parentId, name, closed);
            return new FileStatus(command.Path, closed);
        }

        state.Delete(resolved.Parent!.Id, resolved.Name);
        Touch(state, resolved, resolved.Depth - 1, timestampMs);
        return Result<FileStatus?>.Ok(null);
    }

    private Result<FileStatus?> SetReplication(OverlayState state, SetReplicationCommand command)
    {
        if (command.Replication is < 1 or > MaxReplication)
        {
            return NamespaceError.InvalidArgument($"Requested replication {command.Replication} is out of range [1, {MaxReplication}] for {command.Path}");
        }

        return Update(state, command.Path, command.Caller, file =>
            file.IsDirectory
                ? NamespaceError.IsDirectory(command.Path)
                : CheckAccess(file, command.Path, command.Caller, FsAction.Write) ?? Result<InodeRecord>.Ok(file with { Replication = command.Replication }));
    }
}
