using Crm.Channels;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Conversations;

/// <summary>A provider's word on an outbound message (SMS, fax, ...), recorded forward only and pushed to consoles.</summary>
internal static class DeliveryUpdates
{
    /// <summary>
    /// Callbacks arrive twice, late and out of order, and for messages we no longer hold: only a forward move of the
    /// message the provider id names is recorded. Returns whether anything changed.
    /// </summary>
    public static async Task<bool> ApplyAsync(HubDbContext db, StaffBroadcaster broadcaster, string channel, string providerMessageId,
        DeliveryStatus status, string? error, DateTimeOffset now, CancellationToken ct)
    {
        var message = await db.Messages.FirstOrDefaultAsync(m => m.Channel == channel && m.ProviderMessageId == providerMessageId, ct);
        if (message is null || !(message.DeliveryStatus ?? DeliveryStatus.Pending).CanMoveTo(status))
        {
            return false;
        }
        message.DeliveryStatus = status;
        if (status == DeliveryStatus.Failed)
        {
            message.DeliveryError = error;
        }
        var e = db.Append(EventKinds.DeliveryChanged, StaffEvents.MessageStatusChanged, message.ConversationId, null,
            new
            {
                messageId = message.Id,
                conversationId = message.ConversationId,
                deliveryStatus = ConversationViews.Wire(status),
                error = message.DeliveryError,
            }, now);
        await db.SaveChangesAsync(ct);
        broadcaster.Publish([e]);
        return true;
    }
}
