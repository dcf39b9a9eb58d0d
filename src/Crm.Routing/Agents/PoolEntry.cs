namespace Crm.Routing.Agents;

/// <summary>
/// An agent's place in a free-agent pool: its <see cref="AgentRank"/> (the sort key, and all a pool orders by) and, in a skill's
/// pool, its level in that skill. A pick reads load, idle time, id and level from the entry itself, so scanning past agents
/// below the level wanted touches neither the agent nor its skills (each a cache miss on a floor of thousands).
/// </summary>
internal readonly record struct PoolEntry(AgentRank Rank, int Proficiency) : IComparable<PoolEntry>
{
    public Guid AgentId => Rank.AgentId;

    public int Load => Rank.Load;

    public int CompareTo(PoolEntry other) => Rank.CompareTo(other.Rank);
}
