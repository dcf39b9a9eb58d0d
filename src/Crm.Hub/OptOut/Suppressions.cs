using Crm.Channels;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.OptOut;

/// <summary>What an opt-out or re-subscription changed: how many identities (one address can be known on several accounts).</summary>
internal sealed record SuppressionChange(int Identities, bool AlreadyInThatState);

/// <summary>
/// Takes an address off a channel, or puts it back, and records who did it. An opt-out applies to the address on every account of
/// the channel (every Twilio number, every bot), whoever's contact holds it: a person who said "stop" means the business, not one
/// sender. Both commit in the caller's unit of work and are idempotent: a second click on an unsubscribe link changes nothing
/// and records nothing.
/// </summary>
internal sealed class Suppressions(HubDbContext db, TimeProvider time)
{
    public async Task<SuppressionChange> OptOutAsync(string channel, string address, string source, Guid? campaignId, Guid? agentId, string? reason,
        CancellationToken ct)
    {
        var identities = await db.ChannelIdentities.Where(i => i.Channel == channel && i.Address == address).ToListAsync(ct);
        var fresh = identities.Where(i => i.OptedOutAt is null).ToList();
        if (identities.Count == 0 || fresh.Count == 0)
        {
            return new SuppressionChange(identities.Count, AlreadyInThatState: identities.Count > 0);
        }
        var now = time.GetUtcNow();
        foreach (var identity in fresh)
        {
            identity.OptedOutAt = now;
        }
        db.Add(new OptOutRecord
        {
            Id = Guid.CreateVersion7(now), Channel = channel, Address = address, ContactId = fresh[0].ContactId, Action = OptOutAction.OptedOut,
            Source = source, CampaignId = campaignId, AgentId = agentId, Reason = reason, At = now,
        });
        await db.SaveChangesAsync(ct);
        return new SuppressionChange(fresh.Count, AlreadyInThatState: false);
    }

    /// <summary>Puts the address back on the channel: clears the opt-out and, for mail, a hard bounce (the admin says it works again).</summary>
    public async Task<SuppressionChange> ResubscribeAsync(string channel, string address, Guid agentId, string reason, CancellationToken ct)
    {
        var identities = await db.ChannelIdentities.Where(i => i.Channel == channel && i.Address == address).ToListAsync(ct);
        var suppressed = identities.Where(i => i.OptedOutAt is not null || i.UndeliverableAt is not null).ToList();
        if (suppressed.Count == 0)
        {
            return new SuppressionChange(identities.Count, AlreadyInThatState: identities.Count > 0);
        }
        var now = time.GetUtcNow();
        foreach (var identity in suppressed)
        {
            identity.OptedOutAt = null;
            identity.UndeliverableAt = null;
            identity.UndeliverableReason = null;
        }
        db.Add(new OptOutRecord
        {
            Id = Guid.CreateVersion7(now), Channel = channel, Address = address, ContactId = suppressed[0].ContactId, Action = OptOutAction.Resubscribed,
            Source = OptOutSources.Admin, AgentId = agentId, Reason = reason, At = now,
        });
        await db.SaveChangesAsync(ct);
        return new SuppressionChange(suppressed.Count, AlreadyInThatState: false);
    }

    /// <summary>
    /// Why an address is suppressed when it has no record of ours: the channel's own signal set it (SMS STOP or carrier refusal,
    /// a Telegram block), or the mail bounced.
    /// </summary>
    public static string SourceOf(string channel, bool optedOut) => (channel, optedOut) switch
    {
        (_, false) => OptOutSources.Bounce,
        (ChannelNames.Sms or ChannelNames.Fax, true) => OptOutSources.Stop,
        (ChannelNames.Telegram, true) => OptOutSources.TelegramBlock,
        _ => OptOutSources.Unknown,
    };
}
