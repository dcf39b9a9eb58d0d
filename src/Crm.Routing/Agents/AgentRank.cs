namespace Crm.Routing.Agents;

/// <summary>Orders agents for a new conversation: lowest load, then longest idle, then lowest id.</summary>
internal readonly record struct AgentRank(int Load, long IdleSinceUtcTicks, Guid AgentId) : IComparable<AgentRank>
{
    public int CompareTo(AgentRank other)
    {
        var byLoad = Load.CompareTo(other.Load);
        if (byLoad != 0)
        {
            return byLoad;
        }

        var byIdle = IdleSinceUtcTicks.CompareTo(other.IdleSinceUtcTicks);
        return byIdle != 0 ? byIdle : AgentId.CompareTo(other.AgentId);
    }
}
