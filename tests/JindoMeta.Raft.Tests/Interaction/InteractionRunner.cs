using System.Globalization;
using System.Text;
using JindoMeta.Raft.Tests.Harness;

namespace JindoMeta.Raft.Tests.Interaction;

/// <summary>Interprets the scripted interaction language and renders a deterministic transcript.</summary>
/// <remarks>
/// Commands (one per block): <c>add-nodes N [prevote] [checkquorum] [lease] [chunk=B] [inflight=N] [maxbytes=B]</c>,
/// <c>campaign ID</c>, <c>propose ID TEXT</c>, <c>read-index ID REQUEST</c>, <c>transfer-leadership FROM TO</c>,
/// <c>tick IDS|all [N]</c>, <c>process-ready [IDS]</c>, <c>deliver [from=ID] [to=ID]</c>, <c>drop [from=ID] [to=ID]</c>,
/// <c>stabilize</c>, <c>partition IDS / IDS [/ IDS]</c>, <c>isolate ID</c>, <c>heal</c>, <c>restart ID</c>,
/// <c>compact ID</c> (snapshot at the applied index, then discard the log before it), <c>status [IDS]</c>, <c>log ID</c>.
/// </remarks>
public sealed class InteractionRunner
{
    private TestCluster? _cluster;

    private TestCluster Cluster => _cluster ?? throw new InvalidOperationException("add-nodes must come first");

    public string Run(string command)
    {
        var output = new StringBuilder();
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var args = words.Skip(1).ToArray();
        switch (words[0])
        {
            case "add-nodes":
                AddNodes(args, output);
                break;
            case "campaign":
                Cluster.Raft(Id(args[0])).Campaign();
                output.AppendLine(CultureInfo.InvariantCulture, $"{args[0]} campaigns");
                break;
            case "propose":
                var result = Cluster.Raft(Id(args[0])).Propose(Encoding.UTF8.GetBytes(string.Join(' ', args.Skip(1))));
                output.AppendLine(CultureInfo.InvariantCulture, $"{result.Status} index={result.FirstIndex} term={result.Term} leader-hint={result.LeaderHint}");
                break;
            case "read-index":
                output.AppendLine(Cluster.Raft(Id(args[0])).ReadIndex(ulong.Parse(args[1], CultureInfo.InvariantCulture)).ToString());
                break;
            case "transfer-leadership":
                output.AppendLine(Cluster.Raft(Id(args[0])).TransferLeadership(Id(args[1])).ToString());
                break;
            case "tick":
                var ticks = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 1;
                foreach (var id in Ids(args[0]))
                {
                    for (var i = 0; i < ticks; i++)
                    {
                        Cluster.Raft(id).Tick();
                    }
                }

                output.AppendLine("ok");
                break;
            case "process-ready":
                foreach (var id in args.Length > 0 ? Ids(args[0]) : Cluster.Nodes.Keys)
                {
                    ProcessReady(id, output);
                }

                break;
            case "deliver":
                Deliver(Filter(args), output, drop: false);
                break;
            case "drop":
                Deliver(Filter(args), output, drop: true);
                break;
            case "stabilize":
                Stabilize(output);
                break;
            case "partition":
                Partition(string.Join(' ', args), output);
                break;
            case "isolate":
                Cluster.Isolate(Id(args[0]));
                output.AppendLine("ok");
                break;
            case "heal":
                Cluster.Heal();
                output.AppendLine("ok");
                break;
            case "restart":
                Cluster[Id(args[0])].Restart();
                Cluster.InFlight.RemoveAll(m => m.From == Id(args[0]));
                output.AppendLine(CultureInfo.InvariantCulture, $"{args[0]} restarted: {Describe(Cluster.Raft(Id(args[0])))}");
                break;
            case "compact":
                Compact(Id(args[0]), output);
                break;
            case "status":
                foreach (var id in args.Length > 0 ? Ids(args[0]) : Cluster.Nodes.Keys)
                {
                    output.AppendLine(CultureInfo.InvariantCulture, $"{id}: {Describe(Cluster.Raft(id))}");
                    foreach (var (peer, progress) in Cluster.Raft(id).Status().Progress)
                    {
                        output.AppendLine(CultureInfo.InvariantCulture, $"  {peer}: {progress.State} match={progress.Match} next={progress.Next}{(progress.Paused ? " paused" : "")}");
                    }
                }

                break;
            case "log":
                var log = Cluster.Log(Id(args[0]));
                var raft = Cluster.Raft(Id(args[0]));
                output.AppendLine(CultureInfo.InvariantCulture, $"first={raft.Status().FirstIndex} last={raft.LastIndex} commit={raft.Committed} applied={raft.Applied}");
                foreach (var entry in log)
                {
                    output.AppendLine(FormattableString.Invariant($"{entry.Term}/{entry.Index} {Encoding.UTF8.GetString(entry.Data)}").TrimEnd());
                }

                break;
            default:
                throw new InvalidOperationException($"unknown command '{words[0]}'");
        }

        return output.ToString();
    }

    private static string Describe(RaftNode raft) => string.Create(CultureInfo.InvariantCulture,
        $"{raft.Role} term={raft.Term} vote={raft.Vote} leader={raft.Leader} commit={raft.Committed} applied={raft.Applied} last={raft.LastIndex}");

    private static ulong Id(string text) => ulong.Parse(text, CultureInfo.InvariantCulture);

    private IEnumerable<ulong> Ids(string text) => text == "all" ? Cluster.Nodes.Keys : text.Split(',').Select(Id);

    private static Func<Message, bool> Filter(string[] args)
    {
        ulong? from = null, to = null;
        foreach (var arg in args)
        {
            if (arg.StartsWith("from=", StringComparison.Ordinal))
            {
                from = Id(arg[5..]);
            }
            else if (arg.StartsWith("to=", StringComparison.Ordinal))
            {
                to = Id(arg[3..]);
            }
        }

        return m => (from is null || m.From == from) && (to is null || m.To == to);
    }

    private void AddNodes(string[] args, StringBuilder output)
    {
        var size = int.Parse(args[0], CultureInfo.InvariantCulture);
        _cluster = new TestCluster(size, seed: 1, builder =>
        {
            foreach (var arg in args.Skip(1))
            {
                var (key, value) = arg.Contains('=', StringComparison.Ordinal) ? (arg[..arg.IndexOf('=', StringComparison.Ordinal)], arg[(arg.IndexOf('=', StringComparison.Ordinal) + 1)..]) : (arg, "");
                switch (key)
                {
                    case "prevote": builder.PreVote = true; break;
                    case "checkquorum": builder.CheckQuorum = true; break;
                    case "lease": builder.ReadOnlyMode = ReadOnlyMode.LeaseBased; break;
                    case "chunk": builder.MaxSnapshotChunkBytes = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "inflight": builder.MaxInflightMessages = int.Parse(value, CultureInfo.InvariantCulture); break;
                    case "maxbytes": builder.MaxMessageBytes = ulong.Parse(value, CultureInfo.InvariantCulture); break;
                    default: throw new InvalidOperationException($"unknown add-nodes option '{arg}'");
                }
            }
        });
        output.AppendLine(FormattableString.Invariant($"{size} nodes: {string.Join(' ', args.Skip(1))}").TrimEnd());
    }

    private void ProcessReady(ulong id, StringBuilder output)
    {
        var node = Cluster[id];
        if (!node.Raft.HasReady)
        {
            return;
        }

        var ready = node.Raft.GetReady();
        var parts = new List<string>();
        if (ready.SoftState is { } soft)
        {
            parts.Add($"{soft.Role} leader={soft.Leader}");
        }

        if (!ready.HardState.IsEmpty)
        {
            parts.Add($"HardState term={ready.HardState.Term} vote={ready.HardState.Vote} commit={ready.HardState.Commit}");
        }

        if (ready.Entries.Count > 0)
        {
            parts.Add($"persist {string.Join(' ', ready.Entries.Select(e => $"{e.Term}/{e.Index}"))}");
        }

        if (ready.Snapshot is { } snapshot)
        {
            parts.Add($"install snapshot {snapshot.Term}/{snapshot.Index} ({snapshot.Data.Length} bytes: {Encoding.UTF8.GetString(snapshot.Data.ToArray())})");
        }

        if (ready.CommittedEntries.Count > 0)
        {
            parts.Add($"apply {string.Join(' ', ready.CommittedEntries.Select(e => $"{e.Term}/{e.Index}"))}");
        }

        foreach (var read in ready.ReadStates)
        {
            parts.Add($"read-state index={read.Index} request={read.RequestId}");
        }

        // Re-run the standard Ready handling (persist, apply, advance) on the Ready just described.
        node.CompleteReady(ready);
        output.AppendLine(FormattableString.Invariant($"> {id} ready: {string.Join(" | ", parts)}").TrimEnd());
        foreach (var message in ready.Messages)
        {
            var cut = Cluster.IsCut(message.From, message.To);
            output.AppendLine(CultureInfo.InvariantCulture, $"  send {message}{(cut ? " (dropped: partitioned)" : "")}");
            if (!cut)
            {
                Cluster.InFlight.Add(message);
            }
        }
    }

    private void Deliver(Func<Message, bool> filter, StringBuilder output, bool drop)
    {
        var selected = Cluster.InFlight.Where(filter).ToList();
        Cluster.InFlight.RemoveAll(m => filter(m));
        foreach (var message in selected)
        {
            output.AppendLine(CultureInfo.InvariantCulture, $"{(drop ? "dropped" : "deliver")} {message}");
            if (!drop)
            {
                Cluster.Raft(message.To).Step(message);
            }
        }

        if (selected.Count == 0)
        {
            output.AppendLine("no messages");
        }
    }

    private void Stabilize(StringBuilder output)
    {
        for (var round = 0; round < 1000; round++)
        {
            foreach (var id in Cluster.Nodes.Keys)
            {
                ProcessReady(id, output);
            }

            if (Cluster.InFlight.Count == 0)
            {
                return;
            }

            Deliver(_ => true, output, drop: false);
        }

        throw new InvalidOperationException("stabilize did not converge");
    }

    private void Partition(string groups, StringBuilder output)
    {
        var sets = groups.Split('/').Select(g => g.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(Id).ToHashSet()).ToList();
        Cluster.Heal();
        foreach (var a in Cluster.Nodes.Keys)
        {
            foreach (var b in Cluster.Nodes.Keys)
            {
                if (a != b && !sets.Any(set => set.Contains(a) && set.Contains(b)))
                {
                    Cluster.Cut(a, b);
                }
            }
        }

        output.AppendLine(CultureInfo.InvariantCulture, $"partitioned: {string.Join(" / ", sets.Select(s => string.Join(' ', s.Order())))}");
    }

    private void Compact(ulong id, StringBuilder output)
    {
        var node = Cluster[id];
        var applied = node.Raft.Applied;
        var data = Encoding.UTF8.GetBytes(node.StateMachineText());
        var snapshot = node.Storage.CreateSnapshot(applied, node.Raft.Voters, data);
        node.Storage.Compact(applied);
        output.AppendLine(CultureInfo.InvariantCulture, $"snapshot {snapshot.Term}/{snapshot.Index} ({data.Length} bytes), log now starts at {node.Storage.FirstIndex}");
    }
}
