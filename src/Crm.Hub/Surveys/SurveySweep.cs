using Crm.Hub.Conversations;
using Crm.Hub.Outbox;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Surveys;

/// <summary>
/// Sends surveys and closes expired ones. A hosted sweep rather than a Quartz job per conversation: "resolved at least the delay ago
/// and no survey row" is already durable in the conversation table, so a restart simply finds what is due — nothing to schedule,
/// nothing to cancel when an agent reopens within the delay (the conversation is no longer resolved), and the unique survey row per
/// conversation, committed with the message and its outbox entry, makes the send once-only across crashes and nodes.
/// </summary>
internal sealed partial class SurveySweep(
    IServiceScopeFactory scopes, IOptionsMonitor<SurveyOptions> options, OutboxSignal outbox, StaffBroadcaster broadcaster, TimeProvider time,
    ILogger<SurveySweep> logger) : BackgroundService
{
    private const int Batch = 100;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await SweepAsync(stoppingToken) >= Batch)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.SweepFailed(logger, ex);
            }
            try
            {
                await Task.Delay(options.CurrentValue.SweepInterval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>One pass: surveys every conversation due one (up to a batch), then expires surveys past their time. Returns how many were due.</summary>
    public async Task<int> SweepAsync(CancellationToken ct)
    {
        var o = options.CurrentValue;
        var now = time.GetUtcNow();
        var dueBefore = now - o.DelayAfterResolve;
        // A conversation resolved longer ago than a survey lives is not worth asking about (and old history is never scanned).
        var notBefore = now - o.Expiry;
        List<Guid> due;
        await using (var scope = scopes.CreateAsyncScope())
        {
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            due = await db.Conversations.AsNoTracking()
                .Where(c => c.Status == ConversationStatus.Resolved && c.ResolvedAt <= dueBefore && c.ResolvedAt > notBefore
                    && !db.SurveyRequests.Any(s => s.ConversationId == c.Id)
                    // Only a conversation the customer started: not a campaign message or a reminder kept as a conversation.
                    && c.CampaignId == null && db.Messages.Any(m => m.ConversationId == c.Id && m.Direction == MessageDirection.Inbound))
                .OrderBy(c => c.ResolvedAt).Select(c => c.Id).Take(Batch).ToListAsync(ct);
            await db.SurveyRequests.Where(s => s.State == SurveyState.Sent && s.ExpiresAt <= now)
                .ExecuteUpdateAsync(u => u.SetProperty(s => s.State, SurveyState.Expired), ct);
        }
        var sent = false;
        foreach (var id in due)
        {
            await using var scope = scopes.CreateAsyncScope();
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            var sender = scope.ServiceProvider.GetRequiredService<SurveySender>();
            // Under the write lock, so an agent's reopen cannot slip between our check and our commit.
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            if (!await db.Conversations.Where(c => c.Id == id && c.Status == ConversationStatus.Resolved && c.ResolvedAt <= dueBefore
                    && !db.SurveyRequests.Any(s => s.ConversationId == c.Id)).Where(c => c.CampaignId == null && db.Messages.Any(m => m.ConversationId == c.Id && m.Direction == MessageDirection.Inbound)).AnyAsync(ct))
            {
                continue;
            }
            var (request, events) = await sender.StageAsync(db, id, now, ct);
            try
            {
                await db.SaveChangesAsync(ct);
                await transaction.CommitAsync(ct);
            }
            catch (DbUpdateException ex)
            {
                // Another node surveyed it first (the unique row per conversation).
                Log.AlreadySurveyed(logger, ex, id);
                continue;
            }
            broadcaster.Publish(events);
            if (request.State == SurveyState.Sent)
            {
                sent = true;
                Log.Sent(logger, request.Kind, id, request.Channel);
            }
        }
        if (sent)
        {
            outbox.Wake();
        }
        return due.Count;
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "The survey sweep failed; retrying on the next pass")]
        public static partial void SweepFailed(ILogger logger, Exception ex);

        [LoggerMessage(2, LogLevel.Debug, "Conversation {ConversationId} already has a survey")]
        public static partial void AlreadySurveyed(ILogger logger, Exception ex, Guid conversationId);

        [LoggerMessage(3, LogLevel.Information, "{Kind} survey of conversation {ConversationId} sent by {Channel}")]
        public static partial void Sent(ILogger logger, SurveyKind kind, Guid conversationId, string channel);
    }
}
