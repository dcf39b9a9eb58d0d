using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Campaigns;

/// <summary>A conversation a customer opens soon after a campaign message on the same channel is their reply to it.</summary>
internal static class CampaignReplies
{
    public static readonly TimeSpan Window = TimeSpan.FromDays(7);

    public static async Task LinkAsync(HubDbContext db, Conversation opened, DateTimeOffset now)
    {
        var since = now - Window;
        var channel = opened.Channel;
        var contactId = opened.ContactId;
        var recipient = await db.CampaignRecipients
            .Where(r => r.ContactId == contactId && r.QueuedAt != null && r.QueuedAt >= since && r.RepliedAt == null
                && db.Campaigns.Any(c => c.Id == r.CampaignId && c.Channel == channel))
            .OrderByDescending(r => r.QueuedAt).FirstOrDefaultAsync();
        if (recipient is null)
        {
            return;
        }
        opened.CampaignId = recipient.CampaignId;
        recipient.RepliedAt = now;
    }
}
