namespace Crm.Routing.Agents;

/// <summary>How many online agents handle a channel (capacity above zero), per channel and per team; for reasons.</summary>
internal sealed class OnlineAgentCounts
{
    private readonly Dictionary<AgentPool, int> _counts = [];

    public void Add(TrackedAgent agent) => Visit(agent, +1);

    public void Remove(TrackedAgent agent) => Visit(agent, -1);

    /// <summary>For a skill pool: online agents with the skill at any level, in any team.</summary>
    public int CountIn(AgentPool pool) => _counts.GetValueOrDefault(pool.Indexed);

    private void Visit(TrackedAgent agent, int delta)
    {
        if (!agent.IsOnline)
        {
            return;
        }

        foreach (var (channel, capacity) in agent.CapacityByChannel)
        {
            if (capacity <= 0)
            {
                continue;
            }

            Change(new AgentPool(channel, null), delta);
            foreach (var team in agent.TeamIds)
            {
                Change(new AgentPool(channel, team), delta);
            }

            foreach (var skill in agent.Skills.Keys)
            {
                Change(new AgentPool(channel, null, skill), delta);
            }
        }
    }

    private void Change(AgentPool pool, int delta)
    {
        var count = _counts.GetValueOrDefault(pool) + delta;
        if (count > 0)
        {
            _counts[pool] = count;
        }
        else
        {
            _counts.Remove(pool);
        }
    }
}
