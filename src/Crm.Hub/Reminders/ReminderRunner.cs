using System.Text.Json;
using Crm.Hub.Conversations;
using Crm.Hub.Outbox;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reminders;

/// <summary>What the console shows when a follow-up is due: a notice with a link to the conversation (or the contact's latest one).</summary>
public sealed record ReminderDueView(Guid ReminderId, Guid AgentId, Guid ContactId, string? ContactName, Guid? ConversationId, long? ConversationNumber,
    string? Note, DateTimeOffset DueAt, bool Reopened, string Outcome);

/// <summary>
/// Fires a reminder when its job runs. Claiming it (Scheduled → fired) and what firing does commit together, so the job may run
/// again after a crash, a misfire or a race with a cancel, and still act at most once.
/// </summary>
internal sealed partial class ReminderRunner(
    HubDbContext db, RoutingLoop routing, QueueClassifier queues, StaffBroadcaster broadcaster, OutboxSignal outbox, CustomerReminderMessages messages,
    TimeProvider time, ILogger<ReminderRunner> logger)
{
    /// <summary>A trigger this much earlier than the reminder's time belongs to an older schedule (it was moved later); the new one fires.</summary>
    private static readonly TimeSpan EarlyTolerance = TimeSpan.FromSeconds(2);

    public async Task FireAsync(Guid reminderId, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var latest = now + EarlyTolerance;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        // Claimed by a conditional update, not read-then-write: a cancel or a reschedule (conditional on Scheduled too) and this
        // cannot both win, on SQLite and on PostgreSQL alike. The claim commits together with the outcome set below, or not at all.
        var claimed = await db.Set<Reminder>()
            .Where(r => r.Id == reminderId && r.State == ReminderState.Scheduled && r.DueAt <= latest)
            .ExecuteUpdateAsync(s => s.SetProperty(r => r.State, ReminderState.Firing).SetProperty(r => r.FiredAt, now), ct);
        if (claimed == 0)
        {
            var state = await db.Set<Reminder>().Where(r => r.Id == reminderId).Select(r => (ReminderState?)r.State).FirstOrDefaultAsync(ct);
            Log.NotDue(logger, reminderId, state?.ToString() ?? "missing");
            return;
        }
        var reminder = await db.Set<Reminder>().FirstAsync(r => r.Id == reminderId, ct);
        var (events, reopened) = reminder.Kind == ReminderKind.FollowUp
            ? await FollowUpAsync(reminder, now, ct)
            : (await messages.StageAsync(reminder, now, ct), null);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);

        broadcaster.Publish(events);
        if (reopened is not null)
        {
            // The agent who asked to be reminded is its responsible agent: offered to them first, like a conversation they reopen.
            await routing.SendAsync(queues.Waiting(reopened, now, responsible: reminder.AgentId), ct);
        }
        if (reminder.State == ReminderState.Queued)
        {
            outbox.Wake();
        }
        Log.Fired(logger, reminderId, reminder.Kind.ToString(), reminder.Outcome);
    }

    /// <summary>
    /// A follow-up on a conversation reopens it when it was resolved (and the contact has no other open conversation, which then is
    /// where the customer is: the notice links there). Open conversations are left where they are: the agent is only notified.
    /// A follow-up on a contact notifies only, linking the contact's latest conversation.
    /// </summary>
    private async Task<(List<ConversationEvent> Events, Conversation? Reopened)> FollowUpAsync(Reminder reminder, DateTimeOffset now, CancellationToken ct)
    {
        var events = new List<ConversationEvent>();
        var conversation = reminder.ConversationId is { } id
            ? await db.Conversations.Include(c => c.Contact).FirstOrDefaultAsync(c => c.Id == id, ct)
            : null;
        var openOther = await db.Conversations.Include(c => c.Contact)
            .Where(c => c.ContactId == reminder.ContactId && c.Status != ConversationStatus.Resolved && c.Id != reminder.ConversationId)
            .OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(ct);
        Conversation? reopened = null;
        string outcome;
        if (conversation is { Status: ConversationStatus.Resolved } && openOther is null)
        {
            conversation.Status = ConversationStatus.Waiting;
            conversation.ResolvedAt = null;
            conversation.AssigneeId = null;
            conversation.TargetAgentId = null;
            conversation.OfferedToAgentId = null;
            conversation.OfferExpiresAt = null;
            conversation.WaitingSince = now;
            events.Add(db.Append(EventKinds.Reopened, StaffEvents.ConversationUpdated, conversation.Id, reminder.AgentId,
                ConversationViews.From(conversation, conversation.Contact?.DisplayName, null), now));
            reopened = conversation;
            outcome = "Reopened the conversation and offered it to you first.";
        }
        else if (conversation is { Status: ConversationStatus.Resolved })
        {
            outcome = $"Notified only: the contact's conversation #{openOther!.Number} is open.";
            conversation = openOther;
        }
        else if (conversation is not null)
        {
            outcome = "Notified only: the conversation is still open.";
        }
        else
        {
            conversation = openOther ?? await db.Conversations.Include(c => c.Contact).Where(c => c.ContactId == reminder.ContactId)
                .OrderByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(ct);
            outcome = "Notified.";
        }
        reminder.State = ReminderState.Done;
        reminder.Outcome = outcome;
        var contactName = conversation?.Contact?.DisplayName
            ?? await db.Contacts.Where(c => c.Id == reminder.ContactId).Select(c => c.DisplayName).FirstOrDefaultAsync(ct);
        events.Add(db.Append(EventKinds.ReminderDue, StaffEvents.ReminderDue, conversation?.Id, reminder.AgentId,
            new ReminderDueView(reminder.Id, reminder.AgentId, reminder.ContactId, contactName, conversation?.Id, conversation?.Number, reminder.Note,
                reminder.DueAt, reopened is not null, outcome), now));
        return (events, reopened);
    }

    internal static Dictionary<string, string> ReadVariables(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<Dictionary<string, string>>(json) ?? [];

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Information, "Reminder {ReminderId} ({Kind}) fired: {Outcome}")]
        public static partial void Fired(ILogger logger, Guid reminderId, string kind, string? outcome);

        [LoggerMessage(2, LogLevel.Debug, "Reminder {ReminderId} not fired: {State}, or moved later")]
        public static partial void NotDue(ILogger logger, Guid reminderId, string state);
    }
}
