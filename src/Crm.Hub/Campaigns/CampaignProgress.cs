using System.Collections.Concurrent;
using Crm.Channels;
using Crm.Hub.Outbox;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Campaigns;

/// <summary>
/// Where a campaign's current run stands. <see cref="Prepared"/> = pending with the message rendered, waiting for its turn;
/// <see cref="Queued"/> = handed to the outbox, outcome not yet known.
/// </summary>
public sealed record CampaignCounters(
    int Run, int Total, int Pending, int Queued, int Sent, int Delivered, int Failed, int Suppressed, int Unknown, int Replied, int OptedOut, int Prepared)
{
    /// <summary>Recipients with a final outcome (sent, failed, suppressed, unknown), as a share of the total, 0–100.</summary>
    public double Percent => Total == 0 ? 100 : Math.Round(100.0 * (Sent + Failed + Suppressed + Unknown) / Total, 1);
}

/// <summary>A failure reason and how many recipients it stopped.</summary>
public sealed record CampaignFailure(string Reason, int Count);

/// <summary>
/// Carries the outbox's outcomes back to the recipients (set-based, a few statements per call), counts them, and pushes the
/// counters to consoles at most a few times a second per campaign.
/// </summary>
internal sealed class CampaignProgress(StaffBroadcaster broadcaster, TimeProvider time)
{
    public const string PushType = StaffEvents.CampaignProgress;
    private static readonly TimeSpan PushInterval = TimeSpan.FromMilliseconds(250);
    private readonly ConcurrentDictionary<Guid, long> _lastPush = new();

    /// <summary>How many of the oldest in-flight recipients one <see cref="SyncAsync"/> looks at.</summary>
    public const int SyncWindow = 5000;

    /// <summary>Moves recipients whose outbox row finished to that outcome, and marks delivery and opt-outs that came after.</summary>
    public async Task SyncAsync(HubDbContext db, Campaign campaign, CancellationToken ct)
    {
        var id = campaign.Id;
        var run = campaign.Run;
        var now = time.GetUtcNow();
        var allSending = db.CampaignRecipients.Where(r => r.CampaignId == id && r.Run == run && r.State == RecipientState.Sending);
        // The outbox finishes messages about in the order they were queued: look at the oldest in flight, not at every one of
        // a million queued, so a call costs the same early and late in a big run. Later calls pick up the rest.
        var oldest = allSending.OrderBy(r => r.Id).Take(SyncWindow).Select(r => r.Id);
        var sending = allSending.Where(r => oldest.Contains(r.Id));
        await sending.Where(r => db.Outbox.Any(o => o.MessageId == r.MessageId && o.State == OutboxState.Sent))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RecipientState.Sent)
                .SetProperty(r => r.SentAt, r => db.Outbox.Where(o => o.MessageId == r.MessageId).Select(o => o.CompletedAt).FirstOrDefault() ?? now), ct);
        await sending.Where(r => db.Outbox.Any(o => o.MessageId == r.MessageId && o.State == OutboxState.Failed))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RecipientState.Failed)
                .SetProperty(r => r.Error, r => db.Outbox.Where(o => o.MessageId == r.MessageId).Select(o => o.LastError).FirstOrDefault()), ct);
        await sending.Where(r => db.Outbox.Any(o => o.MessageId == r.MessageId && o.State == OutboxState.Unknown))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, RecipientState.Unknown)
                .SetProperty(r => r.Error, r => db.Outbox.Where(o => o.MessageId == r.MessageId).Select(o => o.LastError).FirstOrDefault()), ct);
        await db.CampaignRecipients.Where(r => r.CampaignId == id && r.Run == run && r.State == RecipientState.Sent && r.DeliveredAt == null
                && db.Messages.Any(m => m.Id == r.MessageId && (m.DeliveryStatus == DeliveryStatus.Delivered || m.DeliveryStatus == DeliveryStatus.Read)))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.DeliveredAt, r => now), ct);
        var channel = campaign.Channel;
        await db.CampaignRecipients.Where(r => r.CampaignId == id && r.Run == run && r.State == RecipientState.Sent && r.OptedOutAt == null
                && db.ChannelIdentities.Any(i => i.Channel == channel && i.Address == r.Address && i.OptedOutAt != null && i.OptedOutAt >= r.QueuedAt))
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.OptedOutAt, r => now), ct);
    }

    public static async Task<CampaignCounters> CountAsync(HubDbContext db, Campaign campaign, CancellationToken ct)
    {
        var run = db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run);
        // One pass over the run: the state counts and the marks that come after sending.
        var states = await run.GroupBy(r => r.State).Select(g => new
        {
            State = g.Key,
            Count = g.Count(),
            Delivered = g.Count(r => r.DeliveredAt != null),
            Replied = g.Count(r => r.RepliedAt != null),
            OptedOut = g.Count(r => r.OptedOutAt != null),
            Prepared = g.Count(r => r.Body != null),
        }).ToListAsync(ct);
        int Of(RecipientState s) => states.FirstOrDefault(x => x.State == s)?.Count ?? 0;
        var delivered = states.Sum(s => s.Delivered);
        var replied = states.Sum(s => s.Replied);
        var optedOut = states.Sum(s => s.OptedOut);
        return new CampaignCounters(campaign.Run, states.Sum(s => s.Count), Of(RecipientState.Pending), Of(RecipientState.Sending), Of(RecipientState.Sent),
            delivered, Of(RecipientState.Failed), Of(RecipientState.Suppressed), Of(RecipientState.Unknown), replied, optedOut,
            states.Where(s => s.State == RecipientState.Pending).Sum(s => s.Prepared));
    }

    public static async Task<List<CampaignFailure>> FailuresAsync(HubDbContext db, Campaign campaign, CancellationToken ct)
    {
        var groups = await db.CampaignRecipients.Where(r => r.CampaignId == campaign.Id && r.Run == campaign.Run
                && (r.State == RecipientState.Failed || r.State == RecipientState.Suppressed || r.State == RecipientState.Unknown))
            .GroupBy(r => r.Error)
            .Select(g => new { Reason = g.Key, Count = g.Count() })
            .OrderByDescending(f => f.Count).Take(50).ToListAsync(ct);
        return [.. groups.Select(g => new CampaignFailure(g.Reason ?? "", g.Count))];
    }

    /// <summary>Pushes the counters unless this campaign was pushed less than a quarter second ago (<paramref name="force"/>: state changes).</summary>
    public async Task PublishAsync(HubDbContext db, Campaign campaign, bool force, CancellationToken ct)
    {
        var now = time.GetUtcNow().UtcTicks;
        var last = _lastPush.GetValueOrDefault(campaign.Id);
        if (!force && now - last < PushInterval.Ticks)
        {
            return;
        }
        _lastPush[campaign.Id] = now;
        Broadcast(campaign, await CountAsync(db, campaign, ct));
    }

    /// <summary>Pushes counters the caller kept itself (no count of the run), at most a few times a second per campaign.</summary>
    public void Publish(Campaign campaign, CampaignCounters counters)
    {
        var now = time.GetUtcNow().UtcTicks;
        if (now - _lastPush.GetValueOrDefault(campaign.Id) < PushInterval.Ticks)
        {
            return;
        }
        _lastPush[campaign.Id] = now;
        Broadcast(campaign, counters);
    }

    private void Broadcast(Campaign campaign, CampaignCounters counters) =>
        broadcaster.PublishTransient(PushType, null, new { campaignId = campaign.Id, state = CampaignStates.Wire(campaign.State), counters });
}
