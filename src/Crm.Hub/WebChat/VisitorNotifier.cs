using System.Collections.Concurrent;
using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.AspNetCore.SignalR;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.WebChat;

/// <summary>Tells a visitor's widget what happens on the agent side: typing, and the ticks on their own messages.</summary>
internal sealed partial class VisitorNotifier(
    IHubContext<VisitorHub, IVisitorClient> hub, IServiceScopeFactory scopes, StaffBroadcaster staff, TimeProvider time, ILogger<VisitorNotifier> logger)
{
    private readonly ConcurrentDictionary<Guid, string> _visitorOfConversation = new();

    public async Task AgentTypingAsync(Guid conversationId, string? agentName, bool isTyping)
    {
        if (await VisitorAddressAsync(conversationId) is { } address)
        {
            await hub.Clients.Group(VisitorMessages.Group(address)).AgentTyping(new AgentTypingNotice(isTyping, agentName));
        }
    }

    /// <summary>The conversation reached an agent: the visitor's messages so far are delivered.</summary>
    public void InboundDeliveredInBackground(Guid conversationId) => _ = Task.Run(async () =>
    {
        try
        {
            await AdvanceInboundAsync(conversationId, DeliveryStatus.Delivered, CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogTicksFailed(logger, ex, conversationId);
        }
    });

    /// <summary>The assignee opened the thread: the visitor's messages are read.</summary>
    public Task InboundReadAsync(Guid conversationId, CancellationToken ct) => AdvanceInboundAsync(conversationId, DeliveryStatus.Read, ct);

    /// <summary>The widget acknowledged an agent's message as delivered or read.</summary>
    public async Task<bool> AckAsync(Guid visitorId, Guid messageId, DeliveryStatus status, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var address = visitorId.ToString("N");
        var message = await db.Messages
            .Where(m => m.Id == messageId && m.Direction == MessageDirection.Outbound)
            .Where(m => db.Conversations.Any(c => c.Id == m.ConversationId &&
                db.ChannelIdentities.Any(i => i.ContactId == c.ContactId && i.Channel == ChannelNames.WebChat && i.Address == address)))
            .FirstOrDefaultAsync(ct);
        if (message is null)
        {
            return false;
        }
        var current = message.DeliveryStatus ?? DeliveryStatus.Pending;
        if (!current.CanMoveTo(status))
        {
            return true;
        }
        message.DeliveryStatus = status;
        var e = db.Append(EventKinds.DeliveryChanged, StaffEvents.MessageStatusChanged, message.ConversationId, null,
            new { messageId = message.Id, conversationId = message.ConversationId, deliveryStatus = ConversationViews.Wire(status) }, time.GetUtcNow());
        await db.SaveChangesAsync(ct);
        staff.Publish([e]);
        return true;
    }

    private async Task AdvanceInboundAsync(Guid conversationId, DeliveryStatus status, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var messages = await db.Messages
            .Where(m => m.ConversationId == conversationId && m.Direction == MessageDirection.Inbound && m.Channel == ChannelNames.WebChat)
            .Where(m => m.DeliveryStatus == DeliveryStatus.Sent || m.DeliveryStatus == DeliveryStatus.Delivered)
            .ToListAsync(ct);
        var changed = messages.Where(m => (m.DeliveryStatus ?? DeliveryStatus.Sent).CanMoveTo(status)).ToList();
        if (changed.Count == 0)
        {
            return;
        }
        changed.ForEach(m => m.DeliveryStatus = status);
        await db.SaveChangesAsync(ct);
        if (await VisitorAddressAsync(conversationId) is { } address)
        {
            var group = hub.Clients.Group(VisitorMessages.Group(address));
            foreach (var m in changed)
            {
                await group.MessageStatusChanged(new VisitorStatusChange(m.Id, VisitorMessages.Wire(status)));
            }
        }
    }

    private async Task<string?> VisitorAddressAsync(Guid conversationId)
    {
        if (_visitorOfConversation.TryGetValue(conversationId, out var cached))
        {
            return cached;
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var address = await db.Conversations.Where(c => c.Id == conversationId)
            .SelectMany(c => db.ChannelIdentities.Where(i => i.ContactId == c.ContactId && i.Channel == ChannelNames.WebChat))
            .Select(i => i.Address)
            .FirstOrDefaultAsync();
        if (address is not null)
        {
            _visitorOfConversation[conversationId] = address;
        }
        return address;
    }

    [LoggerMessage(1, LogLevel.Warning, "Could not update the visitor's ticks on conversation {ConversationId}")]
    private static partial void LogTicksFailed(ILogger logger, Exception ex, Guid conversationId);
}
