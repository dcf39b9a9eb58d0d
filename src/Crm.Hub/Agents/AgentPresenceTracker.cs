using System.Collections.Concurrent;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Crm.Routing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Agents;

/// <summary>
/// An agent's presence as routing sees it: the presence they chose while at least one console is connected,
/// offline otherwise. A short grace period lets a page reload or a network blip pass without handing back offers.
/// </summary>
internal sealed partial class AgentPresenceTracker(
    IServiceScopeFactory scopes, RoutingLoop routing, StaffBroadcaster broadcaster, Supervision.PresenceHistory history, IOptions<HubRoutingOptions> options,
    TimeProvider time, ILogger<AgentPresenceTracker> logger)
{
    private readonly ConcurrentDictionary<Guid, int> _connections = new();

    public bool IsConnected(Guid agentId) => _connections.TryGetValue(agentId, out var n) && n > 0;

    public async Task ConnectedAsync(Guid agentId)
    {
        if (_connections.AddOrUpdate(agentId, 1, (_, n) => n + 1) != 1)
        {
            return;
        }
        try
        {
            await AnnounceConnectedAsync(agentId);
        }
        catch
        {
            // SignalR does not call OnDisconnectedAsync after a failed OnConnectedAsync.
            Disconnected(agentId);
            throw;
        }
    }

    private async Task AnnounceConnectedAsync(Guid agentId)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var agent = await db.Agents.FirstOrDefaultAsync(a => a.Id == agentId);
        if (agent is null)
        {
            return;
        }
        // Opening the console means "I'm here", unless the agent had chosen Away.
        if (agent.Presence == AgentPresence.Offline)
        {
            agent.Presence = AgentPresence.Online;
            await db.SaveChangesAsync();
        }
        await AnnounceAsync(agentId, agent.Presence);
    }

    public void Disconnected(Guid agentId)
    {
        if (_connections.AddOrUpdate(agentId, 0, (_, n) => Math.Max(0, n - 1)) != 0)
        {
            return;
        }
        _ = GoOfflineAfterGraceAsync(agentId);
    }

    public async Task<AgentPresence> SetChosenAsync(Guid agentId, AgentPresence presence, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var agent = await db.Agents.FirstAsync(a => a.Id == agentId, ct);
        agent.Presence = presence;
        await db.SaveChangesAsync(ct);
        var effective = IsConnected(agentId) ? presence : AgentPresence.Offline;
        await AnnounceAsync(agentId, effective);
        return presence;
    }

    /// <summary>What routing should believe about an agent right now.</summary>
    public AgentPresence Effective(Guid agentId, AgentPresence chosen) => IsConnected(agentId) ? chosen : AgentPresence.Offline;

    private async Task GoOfflineAfterGraceAsync(Guid agentId)
    {
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(options.Value.DisconnectGraceSeconds), time);
            if (!IsConnected(agentId))
            {
                await AnnounceAsync(agentId, AgentPresence.Offline);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            LogOfflineFailed(logger, ex, agentId);
        }
    }

    private async Task AnnounceAsync(Guid agentId, AgentPresence presence)
    {
        routing.Post(new AgentPresenceChanged(agentId, presence));
        broadcaster.PublishTransient(StaffEvents.PresenceChanged, null, new { agentId, presence = AgentViews.Wire(presence) });
        await history.RecordAsync(agentId, presence);
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not mark agent {AgentId} offline")]
    private static partial void LogOfflineFailed(ILogger logger, Exception ex, Guid agentId);
}
