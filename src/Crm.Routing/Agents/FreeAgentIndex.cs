namespace Crm.Routing.Agents;

/// <summary>
/// Online agents with a free slot, per channel, per (channel, team) and per (channel, skill), ordered by
/// <see cref="AgentRank"/>.
/// An agent's rank is its key, so callers remove the agent before changing load, idle time, presence,
/// capacity or teams, and add it back afterwards.
/// </summary>
internal sealed class FreeAgentIndex
{
    private readonly Dictionary<AgentPool, RankedSet<PoolEntry>> _pools = [];

    public void Add(TrackedAgent agent) => Visit(agent, add: true);

    public void Remove(TrackedAgent agent) => Visit(agent, add: false);

    public int CountIn(AgentPool pool) => _pools.TryGetValue(pool.Indexed, out var ranks) ? ranks.Count : 0;

    /// <summary>The pool's free agents, best ranked first; null when there are none. Enumerate without allocating.</summary>
    public RankedSet<PoolEntry>? InRankOrder(AgentPool pool) => _pools.GetValueOrDefault(pool.Indexed);

    public bool Contains(AgentPool pool, TrackedAgent agent) =>
        _pools.TryGetValue(pool, out var ranks) && ranks.Contains(new PoolEntry(agent.Rank, 0));

    /// <summary>The first free agent after <paramref name="after"/> in id order, wrapping around; O(free agents in the pool).</summary>
    public bool TryPickRoundRobin(AgentPool pool, ICollection<Guid>? excluded, Guid? after, out AgentRank picked)
    {
        picked = default;
        if (!_pools.TryGetValue(pool, out var ranks))
        {
            return false;
        }

        AgentRank? first = null;
        AgentRank? next = null;
        foreach (var entry in ranks)
        {
            if (excluded?.Contains(entry.AgentId) == true)
            {
                continue;
            }

            if (first is null || entry.AgentId.CompareTo(first.Value.AgentId) < 0)
            {
                first = entry.Rank;
            }

            if (after is Guid cursor && entry.AgentId.CompareTo(cursor) > 0 && (next is null || entry.AgentId.CompareTo(next.Value.AgentId) < 0))
            {
                next = entry.Rank;
            }
        }

        var choice = next ?? first;
        if (choice is null)
        {
            return false;
        }

        picked = choice.Value;
        return true;
    }

    private void Visit(TrackedAgent agent, bool add)
    {
        if (!agent.IsOnline)
        {
            return;
        }

        var rank = agent.Rank;
        foreach (var channel in agent.FreePools ??= PoolsOf(agent))
        {
            if (!agent.HasFreeSlot(channel.Channel))
            {
                continue;
            }

            var (pools, levels) = (channel.Pools, channel.Levels);
            for (var i = 0; i < pools.Length; i++)
            {
                if (add)
                {
                    pools[i].Add(new PoolEntry(rank, levels[i]));
                }
                else
                {
                    pools[i].Remove(new PoolEntry(rank, 0));
                }
            }
        }
    }

    /// <summary>The pools the agent belongs in while it has room on a channel: the channel's, each team's, and each skill's.</summary>
    private ChannelPools[] PoolsOf(TrackedAgent agent) =>
    [
        .. agent.CapacityByChannel.Keys.Select(channel =>
        {
            var pools = new List<(AgentPool Pool, int Level)> { (new AgentPool(channel, null), 0) };
            pools.AddRange(agent.TeamIds.Select(team => (new AgentPool(channel, team), 0)));
            pools.AddRange(agent.Skills.Select(skill => (new AgentPool(channel, null, skill.Key), skill.Value)));
            return new ChannelPools(channel, [.. pools.Select(p => Ranked(p.Pool))], [.. pools.Select(p => p.Level)]);
        }),
    ];

    private RankedSet<PoolEntry> Ranked(AgentPool pool)
    {
        if (!_pools.TryGetValue(pool, out var ranks))
        {
            ranks = new();
            _pools.Add(pool, ranks);
        }

        return ranks;
    }
}

/// <summary>
/// The ranked sets an agent sits in while it has room on <paramref name="Channel"/>, with its level in each (0 outside skill
/// pools). Kept on the agent until its channels, teams or skills change, so a load change re-sorts the agent without a
/// dictionary look-up per pool.
/// </summary>
internal sealed record ChannelPools(string Channel, RankedSet<PoolEntry>[] Pools, int[] Levels);
