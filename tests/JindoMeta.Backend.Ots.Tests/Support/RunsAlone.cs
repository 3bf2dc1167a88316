namespace JindoMeta.Backend.Ots.Tests.Support;

/// <summary>
/// Tests that keep both cores busy for many seconds run in this collection: alone, after the parallel ones, so they
/// do not delay the lease renewals that other tests time.
/// </summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;
