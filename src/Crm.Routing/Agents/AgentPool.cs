namespace Crm.Routing.Agents;

/// <summary>
/// Agents handling one channel, optionally only the members of one team, optionally only those with a skill at
/// <paramref name="Level"/> or above (an agent with proficiency 3 is in the pools for levels 1, 2 and 3).
/// </summary>
internal readonly record struct AgentPool(string Channel, Guid? TeamId, string? Skill = null, int Level = 0);
