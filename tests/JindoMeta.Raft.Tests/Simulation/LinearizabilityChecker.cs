namespace JindoMeta.Raft.Tests.Simulation;

/// <summary>One client operation on a key-value register, as observed by the client.</summary>
/// <param name="Invoked">When the client issued it.</param>
/// <param name="Returned">When the client got the answer; <see cref="long.MaxValue"/> if it never did (a write whose
/// outcome is unknown: it may take effect at any time after invocation, or never).</param>
/// <param name="Value">Put: the value written. Get: the value read (null when the key was absent).</param>
public sealed record KvOperation(int Client, string Key, bool IsPut, string? Value, long Invoked, long Returned);

/// <summary>Checks that a history of register operations is linearizable: that there is a total order consistent with
/// real time (an operation that returned before another was invoked comes first) in which every read returns the latest
/// write. Wing &amp; Gong's search with Lowe's memoization of (linearized set, register value); histories are split per
/// key first, since a history is linearizable iff each key's sub-history is (Herlihy &amp; Wing's locality).</summary>
public static class LinearizabilityChecker
{
    /// <summary>Returns null if linearizable, else a description of the first key that is not.</summary>
    public static string? Check(IReadOnlyList<KvOperation> history, int maxStates = 2_000_000)
    {
        foreach (var group in history.GroupBy(op => op.Key, StringComparer.Ordinal))
        {
            var operations = group.OrderBy(op => op.Invoked).ToArray();
            if (!CheckRegister(operations, maxStates))
            {
                return $"key '{group.Key}' is not linearizable:\n" + string.Join('\n', operations.Select(op =>
                    $"  client {op.Client} {(op.IsPut ? "put" : "get")} {op.Value ?? "<none>"} [{op.Invoked}, {(op.Returned == long.MaxValue ? "?" : op.Returned.ToString(System.Globalization.CultureInfo.InvariantCulture))}]"));
            }
        }

        return null;
    }

    private static bool CheckRegister(KvOperation[] operations, int maxStates)
    {
        var count = operations.Length;
        var done = new bool[count];
        var remainingRequired = operations.Count(op => op.Returned != long.MaxValue);
        var visited = new HashSet<(ulong Hash1, ulong Hash2, string? Value)>();
        var states = 0;
        return Search(null, remainingRequired);

        bool Search(string? value, int required)
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

                string? next;
                if (op.IsPut)
                {
                    next = op.Value;
                }
                else if (string.Equals(op.Value, value, StringComparison.Ordinal))
                {
                    next = value;
                }
                else
                {
                    continue;
                }

                done[i] = true;
                if (visited.Add((Hash(done, 0), Hash(done, 1), next)) && Search(next, required - (op.Returned == long.MaxValue ? 0 : 1)))
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
}
