using JindoMeta.Backend.Raft;
using JindoMeta.Namespace.Backend;
using JindoMeta.TableStore;

namespace JindoMeta.Server.Hosting;

/// <summary>
/// Work that runs on a raft namespace's leader only, one run per leadership (<see cref="LeaderOnlyUpload"/>,
/// <see cref="LeaderOnlyRecovery"/>). One loop, woken by the backend's <see cref="INamespaceBackend.ServingChanged"/>
/// (a leader change) and at least once a second, compares <see cref="RaftNamespaceBackend.LeadershipTerm"/> with what
/// runs:
/// <list type="number">
/// <item>running for another term, or not leading: <see cref="StopRunAsync"/> (what it had in flight is abandoned; the
/// next leader does it again from the replicated state);</item>
/// <item>leading, nothing running: <see cref="StartRunAsync"/> (null: not now, leadership moved meanwhile; the next
/// round sees where);</item>
/// <item>running for this term: <see cref="CheckRunAsync"/> (a run that stopped on its own may be replaced, or dropped
/// to be started again the next round).</item>
/// </list>
/// Tablestore unreachable while starting is retried the next round (<see cref="StartFailed"/> says so once a round).
/// </summary>
/// <remarks>Status is safe to read from any thread (<see cref="Running"/>); the loop alone starts and stops runs.</remarks>
public abstract class LeaderOnlyLoop<TRun> : IAsyncDisposable
    where TRun : class
{
    private static readonly TimeSpan RecheckInterval = TimeSpan.FromSeconds(1);

    private readonly IReadOnlyList<string> _secrets;
    private readonly SemaphoreSlim _wake = new(0, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task _loop = Task.CompletedTask;
    private volatile TermRun? _running;
    private volatile string? _startError;

    protected LeaderOnlyLoop(RaftNamespaceBackend backend, IReadOnlyList<string> secrets)
    {
        Backend = backend;
        _secrets = secrets;
    }

    protected RaftNamespaceBackend Backend { get; }

    /// <summary>The run of this node's current leadership, or null.</summary>
    protected TRun? Running => _running?.Run;

    /// <summary>Why the last attempt to start failed (secrets masked), null once one succeeded.</summary>
    protected string? StartError => _startError;

    /// <summary>Subscribes to leader changes and starts the loop (call once, from the derived type's factory).</summary>
    protected void StartLoop()
    {
        Backend.ServingChanged += OnServingChanged;
        _loop = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>Starts this leadership's run; null when it cannot start now (leadership moved meanwhile).</summary>
    protected abstract Task<TRun?> StartRunAsync(ulong term, CancellationToken cancellationToken);

    /// <summary>Looks at the run of this leadership; returns the run to keep (itself, or a replacement), or null to stop it.</summary>
    protected abstract Task<TRun?> CheckRunAsync(TRun run, ulong term, CancellationToken cancellationToken);

    /// <summary>Stops a run; <paramref name="reason"/> is for the log.</summary>
    protected abstract ValueTask StopRunAsync(TRun run, string reason);

    /// <summary>Starting failed for a reason the next round may not have (masked <paramref name="error"/>): log it.</summary>
    protected abstract void StartFailed(string error);

    public async ValueTask DisposeAsync()
    {
        Backend.ServingChanged -= OnServingChanged;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        _stop.Dispose();
        _wake.Dispose();
        GC.SuppressFinalize(this);
    }

    protected string Mask(string message) =>
        _secrets.Where(s => s.Length > 0).Aggregate(message, (text, secret) => text.Replace(secret, "***", StringComparison.Ordinal)).ReplaceLineEndings(" ");

    private void OnServingChanged(object? sender, EventArgs e)
    {
        try
        {
            _wake.Release();
        }
        catch (Exception error) when (error is SemaphoreFullException or ObjectDisposedException)
        {
            // A wake-up is pending already, or the loop is gone.
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await ReconcileAsync(cancellationToken).ConfigureAwait(false);
                _startError = null;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is TableStoreException or HttpRequestException or IOException or TimeoutException)
            {
                // Tablestore unreachable while starting: nothing started, the next round tries again.
                _startError = Mask(e.Message);
                StartFailed(_startError);
            }

            try
            {
                await _wake.WaitAsync(RecheckInterval, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        await StopAsync("shutting down").ConfigureAwait(false);
    }

    private async Task ReconcileAsync(CancellationToken cancellationToken)
    {
        var term = Backend.LeadershipTerm;
        if (_running is { } running && running.Term != term)
        {
            await StopAsync(term is null ? "this node no longer leads" : $"this node leads again, in term {term}").ConfigureAwait(false);
        }

        if (term is not { } leading)
        {
            return;
        }

        if (_running is { } current)
        {
            var kept = await CheckRunAsync(current.Run, leading, cancellationToken).ConfigureAwait(false);
            _running = kept is null ? null : current with { Run = kept };
        }
        else if (await StartRunAsync(leading, cancellationToken).ConfigureAwait(false) is { } started)
        {
            _running = new TermRun(started, leading);
        }
    }

    private async Task StopAsync(string reason)
    {
        if (_running is not { } running)
        {
            return;
        }

        _running = null;
        await StopRunAsync(running.Run, reason).ConfigureAwait(false);
    }

    /// <summary>A run and the leadership term it belongs to.</summary>
    private sealed record TermRun(TRun Run, ulong Term);
}
