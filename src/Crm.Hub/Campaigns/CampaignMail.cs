using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.OptOut;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Campaigns;

/// <summary>
/// What makes an email a campaign email on the wire: the one-click unsubscribe headers (RFC 2369 / RFC 8058) for the
/// recipient's address, and the bulk markers that keep auto-responders from answering it (RFC 3834, PROTOCOLS §3).
/// </summary>
internal static class CampaignMail
{
    /// <summary>Null when <paramref name="stored"/> is not a campaign message; otherwise the headers to set on it.</summary>
    public static async Task<IReadOnlyList<KeyValuePair<string, string>>?> HeadersAsync(HubDbContext db, UnsubscribeLinks links, Message stored, string address,
        CancellationToken ct)
    {
        // The message itself, not its conversation: an agent's reply in a conversation a campaign reply opened is no bulk mail.
        var campaignId = await db.CampaignRecipients.Where(r => r.MessageId == stored.Id).Select(r => (Guid?)r.CampaignId).FirstOrDefaultAsync(ct);
        if (campaignId is null)
        {
            return null;
        }
        var identityId = await db.ChannelIdentities.Where(i => i.Channel == ChannelNames.Email && i.Address == address)
            .OrderBy(i => i.CreatedAt).Select(i => (Guid?)i.Id).FirstOrDefaultAsync(ct);
        List<KeyValuePair<string, string>> headers =
        [
            new("Auto-Submitted", "auto-generated"),
            new("X-Auto-Response-Suppress", "All"),
            new("Precedence", "bulk"),
        ];
        if (identityId is { } id)
        {
            headers.AddRange(links.Headers(new UnsubscribeRequest(id, campaignId)));
        }
        return headers;
    }
}
