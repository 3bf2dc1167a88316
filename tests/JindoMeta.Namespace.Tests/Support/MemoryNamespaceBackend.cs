using JindoMeta.Namespace.Backend;
using JindoMeta.Namespace.Commands;
using JindoMeta.Namespace.Engine;
using JindoMeta.Namespace.Errors;
using JindoMeta.Namespace.Model;
using JindoMeta.Namespace.Security;

namespace JindoMeta.Namespace.Tests.Support;

/// <summary>
/// An <see cref="INamespaceBackend"/> over <see cref="MemoryNamespaceState"/> and <see cref="NamespaceEngine"/>:
/// commands run one at a time under a lock and their effects are applied at once. The command time comes from
/// the given clock, so tests (and the reference model) know it.
/// </summary>
public sealed class MemoryNamespaceBackend : INamespaceBackend
{
    private readonly Lock _lock = new();
    private readonly TimeProvider _clock;
    private long _committed;

    public MemoryNamespaceBackend(PermissionSettings permissions, TimeProvider clock)
    {
        _clock = clock;
        Engine = new NamespaceEngine(permissions);
        State.Apply(Engine.FormatEffects(NowMs()));
    }

    public NamespaceEngine Engine { get; }

    public MemoryNamespaceState State { get; } = new();

    public string BackendType => "memory";

    /// <summary>Never raised: the in-memory backend always serves.</summary>
    public event EventHandler? ServingChanged
    {
        add { }
        remove { }
    }

    public ValueTask<Result<FileStatus?>> SubmitAsync(NamespaceCommand command, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            var outcome = Engine.Execute(State, command, NowMs());
            if (!outcome.IsOk && outcome.Effects.Count > 0)
            {
                throw new InvalidOperationException($"engine returned effects with an error: {outcome.Error}");
            }

            State.Apply(outcome.Effects);
            if (outcome.IsOk)
            {
                _committed++;
            }

            return ValueTask.FromResult(outcome.ToResult());
        }
    }

    public ValueTask<Result<FileStatus>> GetFileInfoAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(Engine.GetFileInfo(State, path, caller));
        }
    }

    public ValueTask<Result<DirectoryListing>> ListStatusAsync(string path, string? startAfter, int limit, CallerIdentity caller, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(Engine.ListStatus(State, path, startAfter, limit, caller));
        }
    }

    public ValueTask<Result<ContentSummary>> GetContentSummaryAsync(string path, CallerIdentity caller, CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            return ValueTask.FromResult(Engine.GetContentSummary(State, path, caller));
        }
    }

    public BackendStatus GetStatus() => new(BackendType, "LEADER", "RUNNING", Interlocked.Read(ref _committed), new Dictionary<string, string>());

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private long NowMs() => _clock.GetUtcNow().ToUnixTimeMilliseconds();
}
