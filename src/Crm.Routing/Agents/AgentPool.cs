namespace Crm.Routing.Agents;

/// <summary>Agents handling one channel, optionally only the members of one team.</summary>
internal readonly record struct AgentPool(string Channel, Guid? TeamId);
