namespace Crm.Routing.Agents;

/// <summary>
/// Agents handling one channel, optionally only the members of one team, optionally only those with a skill at
/// <paramref name="Level"/> or above. The free-agent index keeps one ranked set per (channel, skill) at any level and
/// any team — an agent is in few sets, so a load change re-sorts it cheaply — and choosing filters level and team.
/// </summary>
internal readonly record struct AgentPool(string Channel, Guid? TeamId, SkillKey? Skill = null, int Level = 0)
{
    /// <summary>The set the index keeps this pool's agents in.</summary>
    public AgentPool Indexed => Skill is null ? this : new AgentPool(Channel, null, Skill);
}
