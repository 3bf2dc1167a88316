using System.Collections.Frozen;
using System.Globalization;
using JindoMeta.Raft;
using Microsoft.Extensions.Logging;

namespace JindoMeta.Backend.Raft.Transport;

/// <summary>
/// Test-only fault injection across processes: rules in a file that the three daemons of a test share, re-read when
/// it changes. Enabled only when the daemon's environment names the file (<see cref="EnvironmentVariable"/>); there
/// is no configuration key, so an operator cannot switch it on by accident.
/// </summary>
/// <remarks>
/// One rule per line, node ids as in initial-conf (1-based positions): <c>isolate N</c> drops every message from or
/// to node N; <c>delay N MS</c> holds back every message from or to node N by MS milliseconds. Each node applies the
/// rules to what it sends, so with the same file on all three an isolated node neither hears nor is heard. An empty
/// or missing file delivers everything; a malformed one is logged and delivers everything.
/// </remarks>
public sealed class FileRaftFaults : IRaftNetworkFaults, IAsyncDisposable
{
    public const string EnvironmentVariable = "JINDO_TEST_RAFT_FAULTS";

    private readonly string _path;
    private readonly ILogger _logger;
    private readonly ITimer _reload;
    private volatile Rules _rules = Rules.None;
    private DateTime _loadedWriteTime;

    public FileRaftFaults(string path, ILogger logger, TimeProvider clock)
    {
        _path = path;
        _logger = logger;
        _logger.LogWarning("Test fault injection is on: raft traffic follows the rules in {Path} ({Variable})", path, EnvironmentVariable);
        Reload();
        _reload = clock.CreateTimer(_ => Reload(), null, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(50));
    }

    public RaftFaultDecision Decide(Message message)
    {
        var rules = _rules;
        if (rules.Isolated.Contains(message.From) || rules.Isolated.Contains(message.To))
        {
            return RaftFaultDecision.Drop;
        }

        var delay = TimeSpan.Zero;
        if (rules.Delays.TryGetValue(message.From, out var from))
        {
            delay = from;
        }

        if (rules.Delays.TryGetValue(message.To, out var to) && to > delay)
        {
            delay = to;
        }

        return delay > TimeSpan.Zero ? RaftFaultDecision.DelayBy(delay) : RaftFaultDecision.Deliver;
    }

    public ValueTask DisposeAsync() => _reload.DisposeAsync();

    private void Reload()
    {
        var writeTime = File.Exists(_path) ? File.GetLastWriteTimeUtc(_path) : DateTime.MinValue;
        if (writeTime == _loadedWriteTime)
        {
            return;
        }

        _loadedWriteTime = writeTime;
        string[] lines;
        try
        {
            lines = writeTime == DateTime.MinValue ? [] : File.ReadAllLines(_path);
        }
        catch (IOException e)
        {
            _loadedWriteTime = DateTime.MinValue; // try again on the next tick
            _logger.LogWarning("Cannot read the fault rules in {Path}: {Message}", _path, e.Message);
            return;
        }

        try
        {
            _rules = Rules.Parse(lines);
            _logger.LogWarning("Fault rules now: {Rules}", lines.Length == 0 ? "none" : string.Join("; ", lines));
        }
        catch (FormatException e)
        {
            _rules = Rules.None;
            _logger.LogWarning("Fault rules in {Path} ignored: {Message}", _path, e.Message);
        }
    }

    private sealed record Rules(FrozenSet<ulong> Isolated, FrozenDictionary<ulong, TimeSpan> Delays)
    {
        public static Rules None { get; } = new(FrozenSet<ulong>.Empty, FrozenDictionary<ulong, TimeSpan>.Empty);

        public static Rules Parse(IEnumerable<string> lines)
        {
            var isolated = new HashSet<ulong>();
            var delays = new Dictionary<ulong, TimeSpan>();
            foreach (var raw in lines)
            {
                var fields = raw.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                switch (fields)
                {
                    case []:
                        break;
                    case ["isolate", var node]:
                        isolated.Add(Node(node, raw));
                        break;
                    case ["delay", var node, var ms] when int.TryParse(ms, NumberStyles.None, CultureInfo.InvariantCulture, out var milliseconds):
                        delays[Node(node, raw)] = TimeSpan.FromMilliseconds(milliseconds);
                        break;
                    default:
                        throw new FormatException($"line '{raw}' is neither 'isolate NODE' nor 'delay NODE MS'");
                }
            }

            return new Rules(isolated.ToFrozenSet(), delays.ToFrozenDictionary());
        }

        private static ulong Node(string text, string line) =>
            ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var node) && node > 0
                ? node
                : throw new FormatException($"line '{line}': '{text}' is not a node id (1, 2, 3: positions in initial-conf)");
    }
}
