using Crm.Routing.Agents;

namespace Crm.Routing.Waiting;

/// <summary>
/// One part of the queue. Open lanes hold conversations any eligible agent of the channel (and team) may
/// take; a reserved lane holds those only one agent may take: their explicit transfers and the conversations
/// waiting for them as busy responsible agent. An agent with a free slot only looks at its own lanes, so a
/// conversation reserved for someone else costs it nothing.
/// </summary>
internal readonly record struct LaneKey(string Channel, Guid? TeamId, Guid? ReservedFor, SkillKey? Skill = null)
{
    public static LaneKey Open(string channel, Guid? teamId) => new(channel, teamId, null);

    public static LaneKey Reserved(string channel, Guid agentId) => new(channel, null, agentId);

    /// <summary>
    /// Conversations that need <paramref name="skill"/>, at whatever level: an agent with the skill looks at the lane and
    /// passes over those that need more than it has (few, and only for agents at the lowest levels).
    /// </summary>
    public static LaneKey Skilled(string channel, Guid? teamId, SkillKey skill) => new(channel, teamId, null, skill);
}
