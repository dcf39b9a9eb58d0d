namespace Crm.Routing.Waiting;

/// <summary>
/// One part of the queue. Open lanes hold conversations any eligible agent of the channel (and team) may
/// take; a reserved lane holds those only one agent may take: their explicit transfers and the conversations
/// waiting for them as busy responsible agent. An agent with a free slot only looks at its own lanes, so a
/// conversation reserved for someone else costs it nothing.
/// </summary>
internal readonly record struct LaneKey(string Channel, Guid? TeamId, Guid? ReservedFor, string? Skill = null, int Level = 0)
{
    public static LaneKey Open(string channel, Guid? teamId) => new(channel, teamId, null);

    public static LaneKey Reserved(string channel, Guid agentId) => new(channel, null, agentId);

    /// <summary>Conversations that need <paramref name="skill"/> at <paramref name="level"/> or above; agents look at the levels they reach.</summary>
    public static LaneKey Skilled(string channel, Guid? teamId, string skill, int level) => new(channel, teamId, null, skill, level);
}
