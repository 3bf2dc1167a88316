namespace JindoMeta.Raft.Tests.Simulation;

/// <summary>One client operation on a key-value register, as observed by the client.</summary>
/// <param name="Invoked">When the client issued it.</param>
/// <param name="Returned">When the client got the answer; <see cref="long.MaxValue"/> if it never did (a write whose
/// outcome is unknown: it may take effect at any time after invocation, or never).</param>
/// <param name="Value">Put: the value written. Get: the value read (null when the key was absent).</param>
public sealed record KvOperation(int Client, string Key, bool IsPut, string? Value, long Invoked, long Returned);

/// <summary>One operation of any sequential object, with the interval in which the client saw it run.</summary>
/// <param name="Returned"><see cref="long.MaxValue"/> when the outcome is unknown: it may take effect at any time after
/// invocation, or never, and its result is not checked.</param>
public sealed record TimedOperation<TOperation>(TOperation Operation, long Invoked, long Returned)
{
    public bool OutcomeKnown => Returned != long.MaxValue;
}

/// <summary>The sequential specification the history is checked against.</summary>
/// <typeparam name="TState">A value with structural equality (the search memoizes on it).</typeparam>
public interface ISequentialModel<TState, TOperation>
{
    TState Initial { get; }

    /// <summary>Runs <paramref name="operation"/> in <paramref name="state"/>. False when the result the client
    /// observed is impossible there (only asked for operations whose outcome is known); else the state after it.</summary>
    bool TryStep(TState state, TOperation operation, bool outcomeKnown, out TState next);
}

/// <summary>Checks that a history is linearizable: that there is a total order consistent with real time (an operation
/// that returned before another was invoked comes first) in which every operation's observed result is what the
/// sequential model gives. Wing &amp; Gong's search with Lowe's memoization of (linearized set, model state). For
/// registers, histories are split per key first, since a history is linearizable iff each key's sub-history is
/// (Herlihy &amp; Wing's locality).</summary>
public static class LinearizabilityChecker
{
    /// <summary>Returns null if linearizable, else a description of the first key that is not.</summary>
    public static string? Check(IReadOnlyList<KvOperation> history, int maxStates = 2_000_000)
    {
        foreach (var group in history.GroupBy(op => op.Key, StringComparer.Ordinal))
        {
            var operations = group.OrderBy(op => op.Invoked).ToArray();
            if (!IsLinearizable(operations.Select(op => new TimedOperation<KvOperation>(op, op.Invoked, op.Returned)).ToArray(), RegisterModel.Instance, maxStates))
            {
                return $"key '{group.Key}' is not linearizable:\n" + string.Join('\n', operations.Select(op =>
                    $"  client {op.Client} {(op.IsPut ? "put" : "get")} {op.Value ?? "<none>"} [{op.Invoked}, {(op.Returned == long.MaxValue ? "?" : op.Returned.ToString(System.Globalization.CultureInfo.InvariantCulture))}]"));
            }
        }

        return null;
    }

    /// <summary>True when some order of the operations, consistent with real time, agrees with <paramref name="model"/>.</summary>
    /// <exception cref="InvalidOperationException">The search exceeded <paramref name="maxStates"/>; shorten the history.</exception>
    public static bool IsLinearizable<TState, TOperation>(IReadOnlyList<TimedOperation<TOperation>> history, ISequentialModel<TState, TOperation> model, int maxStates = 2_000_000)
        where TState : IEquatable<TState>
    {
        var operations = history.OrderBy(op => op.Invoked).ToArray();
        var count = operations.Length;
        var done = new bool[count];
        var visited = new HashSet<(ulong Hash1, ulong Hash2, TState State)>();
        var states = 0;
        return Search(model.Initial, operations.Count(op => op.OutcomeKnown));

        bool Search(TState state, int required)
        {
            if (required == 0)
            {
                return true;
            }

            if (++states > maxStates)
            {
                throw new InvalidOperationException($"Linearizability search exceeded {maxStates} states; shorten the history.");
            }

            // An operation may go next only if it was invoked before every pending operation returned.
            var earliestReturn = long.MaxValue;
            for (var i = 0; i < count; i++)
            {
                if (!done[i] && operations[i].Returned < earliestReturn)
                {
                    earliestReturn = operations[i].Returned;
                }
            }

            for (var i = 0; i < count; i++)
            {
                var op = operations[i];
                if (done[i])
                {
                    continue;
                }

                if (op.Invoked > earliestReturn)
                {
                    // Sorted by invocation: nothing later can go first either.
                    break;
                }

                if (!model.TryStep(state, op.Operation, op.OutcomeKnown, out var next))
                {
                    continue;
                }

                done[i] = true;
                if (visited.Add((Hash(done, 0), Hash(done, 1), next)) && Search(next, required - (op.OutcomeKnown ? 1 : 0)))
                {
                    return true;
                }

                done[i] = false;
            }

            return false;
        }
    }

    private static ulong Hash(bool[] done, int variant)
    {
        // Two independent 64-bit hashes of the linearized set make a collision (which could hide a violation) negligible.
        var hash = variant == 0 ? 14695981039346656037ul : 0x9E3779B97F4A7C15ul;
        for (var i = 0; i < done.Length; i++)
        {
            if (done[i])
            {
                hash ^= (ulong)(i + 1) * (variant == 0 ? 0x100000001B3ul : 0xC2B2AE3D27D4EB4Ful);
                hash = (hash << 13 | hash >> 51) * (variant == 0 ? 1099511628211ul : 0x165667B19E3779F9ul);
            }
        }

        return hash;
    }

    /// <summary>A register: a put sets the value, a get must read the latest one.</summary>
    private sealed class RegisterModel : ISequentialModel<RegisterModel.Value, KvOperation>
    {
        public static RegisterModel Instance { get; } = new();

        public Value Initial => default;

        public bool TryStep(Value state, KvOperation operation, bool outcomeKnown, out Value next)
        {
            next = operation.IsPut ? new Value(operation.Value) : state;
            return operation.IsPut || string.Equals(operation.Value, state.Text, StringComparison.Ordinal);
        }

        public readonly record struct Value(string? Text);
    }
}
