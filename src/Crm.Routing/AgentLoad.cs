namespace Crm.Routing;

/// <summary>
/// What an agent holds right now. <paramref name="Active"/> and <paramref name="ActiveByChannel"/> count
/// assigned conversations and pending offers alike, because both use capacity.
/// </summary>
public sealed record AgentLoad(
    Guid AgentId,
    AgentPresence Presence,
    int Active,
    IReadOnlyDictionary<string, int> ActiveByChannel);
