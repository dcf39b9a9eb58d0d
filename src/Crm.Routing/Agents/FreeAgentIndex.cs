namespace Crm.Routing.Agents;

/// <summary>
/// Online agents with a free slot, per channel, per (channel, team) and per (channel, skill), ordered by
/// <see cref="AgentRank"/>.
/// An agent's rank is its key, so callers remove the agent before changing load, idle time, presence,
/// capacity or teams, and add it back afterwards.
/// </summary>
internal sealed class FreeAgentIndex
{
    private readonly Dictionary<AgentPool, SortedSet<PoolEntry>> _pools = [];

    public void Add(TrackedAgent agent) => Visit(agent, add: true);

    public void Remove(TrackedAgent agent) => Visit(agent, add: false);

    public int CountIn(AgentPool pool) => _pools.TryGetValue(pool.Indexed, out var ranks) ? ranks.Count : 0;

    /// <summary>The pool's free agents, best ranked first; null when there are none. Enumerate without allocating.</summary>
    public SortedSet<PoolEntry>? InRankOrder(AgentPool pool) => _pools.GetValueOrDefault(pool.Indexed);

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
        foreach (var channel in agent.CapacityByChannel.Keys)
        {
            if (!agent.HasFreeSlot(channel))
            {
                continue;
            }

            Apply(new AgentPool(channel, null), new PoolEntry(rank, 0), add);
            foreach (var team in agent.TeamIds)
            {
                Apply(new AgentPool(channel, team), new PoolEntry(rank, 0), add);
            }

            foreach (var (skill, proficiency) in agent.Skills)
            {
                Apply(new AgentPool(channel, null, skill), new PoolEntry(rank, proficiency), add);
            }
        }
    }

    private void Apply(AgentPool pool, PoolEntry entry, bool add)
    {
        if (add)
        {
            if (!_pools.TryGetValue(pool, out var ranks))
            {
                ranks = [];
                _pools.Add(pool, ranks);
            }

            ranks.Add(entry);
        }
        else if (_pools.TryGetValue(pool, out var ranks))
        {
            ranks.Remove(entry);
        }
    }
}
