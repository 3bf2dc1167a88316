using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.State;

namespace JindoMeta.Namespace.Engine;

/// <summary>What executing a command produced: an error and no effects, or a status and the effects to commit.</summary>
public sealed record CommandOutcome(NamespaceError? Error, FileStatus? Status, IReadOnlyList<StateEffect> Effects)
{
    public bool IsOk => Error is null;

    public Result<FileStatus?> ToResult() => IsOk ? Result<FileStatus?>.Ok(Status) : Result<FileStatus?>.Fail(Error!);
}
