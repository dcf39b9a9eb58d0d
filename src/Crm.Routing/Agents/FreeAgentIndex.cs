namespace Crm.Routing.Agents;

/// <summary>
/// Online agents with a free slot, per channel, per (channel, team) and per (channel, skill), ordered by
/// <see cref="AgentRank"/>.
/// An agent's rank is its key, so callers remove the agent before changing load, idle time, presence,
/// capacity or teams, and add it back afterwards.
/// </summary>
internal sealed class FreeAgentIndex
{
    private readonly Dictionary<AgentPool, SortedSet<AgentRank>> _pools = [];

    public void Add(TrackedAgent agent) => Visit(agent, add: true);

    public void Remove(TrackedAgent agent) => Visit(agent, add: false);

    public int CountIn(AgentPool pool) => _pools.TryGetValue(pool.Indexed, out var ranks) ? ranks.Count : 0;

    /// <summary>The pool's free agents, best ranked first; null when there are none. Enumerate without allocating.</summary>
    public SortedSet<AgentRank>? InRankOrder(AgentPool pool) => _pools.GetValueOrDefault(pool.Indexed);

    public bool Contains(AgentPool pool, TrackedAgent agent) =>
        _pools.TryGetValue(pool, out var ranks) && ranks.Contains(agent.Rank);

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
        foreach (var rank in ranks)
        {
            if (excluded?.Contains(rank.AgentId) == true)
            {
                continue;
            }

            if (first is null || rank.AgentId.CompareTo(first.Value.AgentId) < 0)
            {
                first = rank;
            }

            if (after is Guid cursor && rank.AgentId.CompareTo(cursor) > 0 && (next is null || rank.AgentId.CompareTo(next.Value.AgentId) < 0))
            {
                next = rank;
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

            Apply(new AgentPool(channel, null), rank, add);
            foreach (var team in agent.TeamIds)
            {
                Apply(new AgentPool(channel, team), rank, add);
            }

            foreach (var skill in agent.Skills.Keys)
            {
                Apply(new AgentPool(channel, null, skill), rank, add);
            }
        }
    }

    private void Apply(AgentPool pool, AgentRank rank, bool add)
    {
        if (add)
        {
            if (!_pools.TryGetValue(pool, out var ranks))
            {
                ranks = [];
                _pools.Add(pool, ranks);
            }

            ranks.Add(rank);
        }
        else if (_pools.TryGetValue(pool, out var ranks))
        {
            ranks.Remove(rank);
        }
    }
}
