using Crm.Routing.Agents;

namespace Crm.Routing.Waiting;

/// <summary>
/// One part of the queue. Open lanes hold conversations any eligible agent of the channel (and team) may
/// take; a reserved lane holds those only one agent may take: their explicit transfers and the conversations
/// waiting for them as busy responsible agent. An agent with a free slot only looks at its own lanes, so a
/// conversation reserved for someone else costs it nothing.
/// </summary>
internal readonly record struct LaneKey(string Channel, Guid? TeamId, Guid? ReservedFor, SkillKey? Skill = null, int Level = 0)
{
    public static LaneKey Open(string channel, Guid? teamId) => new(channel, teamId, null);

    public static LaneKey Reserved(string channel, Guid agentId) => new(channel, null, agentId);

    /// <summary>
    /// Conversations that need <paramref name="skill"/> at exactly <paramref name="level"/>: an agent looks at the lanes of the
    /// levels it reaches, so a lane's head never needs more than the agent has (no scanning past it).
    /// </summary>
    public static LaneKey Skilled(string channel, Guid? teamId, SkillKey skill, int level) => new(channel, teamId, null, skill, level);
}
