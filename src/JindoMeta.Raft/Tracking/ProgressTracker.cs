namespace JindoMeta.Raft;

/// <summary>The voter set, each voter's <see cref="Progress"/> (on a leader) and the votes of a running election.</summary>
/// <remarks>The voter set is a plain list so a later single-server membership change can add or remove one
/// member at a time (Raft dissertation §4.1) without changing how quorums are computed.</remarks>
internal sealed class ProgressTracker
{
    private readonly Dictionary<ulong, Progress> _progress = [];
    private readonly Dictionary<ulong, bool> _votes = [];
    private readonly ulong[] _matchScratch;

    public ProgressTracker(IReadOnlyList<ulong> voters)
    {
        Voters = [.. voters.Distinct().Order()];
        _matchScratch = new ulong[Voters.Length];
    }

    public ulong[] Voters { get; }

    public int Quorum => Voters.Length / 2 + 1;

    public IReadOnlyDictionary<ulong, Progress> Progress => _progress;

    public bool IsVoter(ulong id) => Array.IndexOf(Voters, id) >= 0;

    public Progress? Get(ulong id) => _progress.GetValueOrDefault(id);

    public void ResetProgress(ulong selfId, ulong lastIndex, int maxInflight)
    {
        _progress.Clear();
        foreach (var id in Voters)
        {
            var progress = new Progress(lastIndex + 1, maxInflight);
            if (id == selfId)
            {
                progress.Match = lastIndex;
                progress.RecentActive = true;
            }

            _progress[id] = progress;
        }
    }

    /// <summary>The largest index replicated on a majority of voters.</summary>
    public ulong QuorumMatchIndex()
    {
        for (var i = 0; i < Voters.Length; i++)
        {
            _matchScratch[i] = _progress.TryGetValue(Voters[i], out var progress) ? progress.Match : 0;
        }

        Array.Sort(_matchScratch);
        return _matchScratch[Voters.Length - Quorum];
    }

    /// <summary>CheckQuorum: have a majority (counting the leader) been heard from recently?</summary>
    public bool QuorumActive(ulong selfId)
    {
        var active = 0;
        foreach (var id in Voters)
        {
            if (id == selfId || (_progress.TryGetValue(id, out var progress) && progress.RecentActive))
            {
                active++;
            }
        }

        return active >= Quorum;
    }

    public void ResetRecentActive(ulong selfId)
    {
        foreach (var (id, progress) in _progress)
        {
            progress.RecentActive = id == selfId;
        }
    }

    public void ResetVotes() => _votes.Clear();

    public void RecordVote(ulong id, bool granted) => _votes.TryAdd(id, granted);

    public VoteResult TallyVotes(out int granted, out int rejected)
    {
        granted = 0;
        rejected = 0;
        foreach (var id in Voters)
        {
            if (_votes.TryGetValue(id, out var vote))
            {
                if (vote)
                {
                    granted++;
                }
                else
                {
                    rejected++;
                }
            }
        }

        if (granted >= Quorum)
        {
            return VoteResult.Won;
        }

        return rejected > Voters.Length - Quorum ? VoteResult.Lost : VoteResult.Pending;
    }
}

internal enum VoteResult : byte
{
    Pending = 0,
    Won = 1,
    Lost = 2,
}
