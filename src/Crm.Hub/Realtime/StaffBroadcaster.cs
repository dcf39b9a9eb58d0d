using System.Text.Json;
using Crm.Hub.Conversations;
using Microsoft.AspNetCore.SignalR;

namespace Crm.Hub.Realtime;

/// <summary>Pushes events to every connected console (agents, supervisors, admins).</summary>
internal sealed partial class StaffBroadcaster(IHubContext<AgentHub, IAgentClient> hub, TimeProvider time, ILogger<StaffBroadcaster> logger)
{
    public const string StaffGroup = "staff";

    /// <summary>Pushes committed events, in seq order.</summary>
    public async Task PushAsync(IEnumerable<ConversationEvent> committed)
    {
        foreach (var e in committed.OrderBy(e => e.Seq))
        {
            await SendAsync(ToHubEvent(e));
        }
    }

    /// <summary>Pushes an event that is not stored (typing, presence): a console that misses it loses nothing that matters.</summary>
    public Task PushTransientAsync(string type, Guid? conversationId, object data) =>
        SendAsync(new HubEvent(0, type, conversationId, time.GetUtcNow(), JsonSerializer.SerializeToElement(data, WireJson.Options)));

    public static HubEvent ToHubEvent(ConversationEvent e) =>
        new(e.Seq, e.ClientMethod, e.ConversationId, e.At, WireJson.Element(e.Data));

    private async Task SendAsync(HubEvent e)
    {
        var clients = hub.Clients.Group(StaffGroup);
        try
        {
            await (e.Type switch
            {
                StaffEvents.ConversationUpdated => clients.ConversationUpdated(e),
                StaffEvents.MessageAdded => clients.MessageAdded(e),
                StaffEvents.MessageStatusChanged => clients.MessageStatusChanged(e),
                StaffEvents.OfferReceived => clients.OfferReceived(e),
                StaffEvents.OfferWithdrawn => clients.OfferWithdrawn(e),
                StaffEvents.VisitorTyping => clients.VisitorTyping(e),
                StaffEvents.PresenceChanged => clients.PresenceChanged(e),
                _ => Task.CompletedTask,
            });
        }
        catch (Exception ex)
        {
            // The event is committed; consoles catch up through /api/v1/sync.
            LogPushFailed(logger, ex, e.Type, e.Seq);
        }
    }

    [LoggerMessage(1, LogLevel.Warning, "Push of {Type} seq {Seq} failed")]
    private static partial void LogPushFailed(ILogger logger, Exception ex, string type, long seq);
}
