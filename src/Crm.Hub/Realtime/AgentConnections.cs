using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR;

namespace Crm.Hub.Realtime;

/// <summary>The live console connections of each agent, so an account that is deactivated or demoted can be cut off at once.</summary>
internal sealed class AgentConnections
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<string, HubCallerContext>> _byAgent = new();

    public void Add(Guid agentId, HubCallerContext connection) =>
        _byAgent.GetOrAdd(agentId, _ => new())[connection.ConnectionId] = connection;

    public void Remove(Guid agentId, string connectionId)
    {
        if (_byAgent.TryGetValue(agentId, out var connections))
        {
            connections.TryRemove(connectionId, out _);
        }
    }

    /// <summary>Closes every console of the agent; reconnecting needs a sign-in that the current account still allows.</summary>
    public void AbortAll(Guid agentId)
    {
        if (_byAgent.TryGetValue(agentId, out var connections))
        {
            foreach (var connection in connections.Values)
            {
                connection.Abort();
            }
        }
    }
}
