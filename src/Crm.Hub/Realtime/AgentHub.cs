using Crm.Hub.Agents;
using Crm.Hub.Auth;
using Crm.Hub.Storage;
using Crm.Hub.WebChat;
using Crm.Routing;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Realtime;

/// <summary>The console's live connection: pushes only, plus presence and typing.</summary>
[Authorize(Policy = Policies.Staff)]
internal sealed class AgentHub(
    AgentPresenceTracker presenceTracker, AgentConnections connections, VisitorNotifier visitors, HubDbContext db, Routing.RoutingLoop routing)
    : Hub<IAgentClient>
{
    public override async Task OnConnectedAsync()
    {
        connections.Add(Context.User!.AgentId(), Context);
        await Groups.AddToGroupAsync(Context.ConnectionId, StaffBroadcaster.StaffGroup);
        await presenceTracker.ConnectedAsync(Context.User!.AgentId());
        await base.OnConnectedAsync();
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        connections.Remove(Context.User!.AgentId(), Context.ConnectionId);
        presenceTracker.Disconnected(Context.User!.AgentId());
        return base.OnDisconnectedAsync(exception);
    }

    public async Task<string> SetPresence(string presence)
    {
        if (!Enum.TryParse<AgentPresence>(presence, ignoreCase: true, out var chosen) || !Enum.IsDefined(chosen))
        {
            throw new HubException("presence must be online, away or offline.");
        }
        var set = await presenceTracker.SetChosenAsync(Context.User!.AgentId(), chosen, Context.ConnectionAborted);
        return AgentViews.Wire(set);
    }

    /// <summary>The console saw the agent type or click (sent at most once a minute): they are at their desk.</summary>
    public void Active() => routing.Post(new AgentActivity(Context.User!.AgentId()));

    /// <summary>Tells the customer an agent is typing; only the assignee (or a supervisor) may.</summary>
    public async Task Typing(Guid conversationId, bool isTyping)
    {
        var user = Context.User!;
        var assignee = await db.Conversations.Where(c => c.Id == conversationId).Select(c => new { c.AssigneeId }).FirstOrDefaultAsync();
        if (assignee is null || (assignee.AssigneeId != user.AgentId() && !user.CanActOnAnyConversation()))
        {
            throw new HubException("You can only type in conversations assigned to you.");
        }
        await visitors.AgentTypingAsync(conversationId, user.Identity?.Name, isTyping);
    }
}
