using Crm.Channels;
using Crm.Hub.Campaigns;
using Crm.Hub.Contacts;
using Crm.Hub.Conversations;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Outbox;

/// <summary>
/// Carries out committed sends through the channel senders, with retry and backoff. A send that was under way
/// when the process died is repeated only when its channel is idempotent; otherwise it is marked unknown.
/// </summary>
internal sealed partial class OutboxDispatcher(
    IServiceScopeFactory scopes, IEnumerable<IChannelSender> senders, OutboxSignal signal, StaffBroadcaster broadcaster,
    TimeProvider time, ILogger<OutboxDispatcher> logger) : BackgroundService
{
    public const int MaxAttempts = 8;
    public const string OptedOutBeforeSending = "Opted out before sending";
    private static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(1);
    private readonly Dictionary<string, IChannelSender> _senders = senders.ToDictionary(s => s.Channel);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        await RecoverInterruptedAsync(stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await DispatchDueAsync(stoppingToken) > 0)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                Log.DispatchFailed(logger, ex);
            }
            await signal.WaitAsync(PollInterval, time, stoppingToken);
        }
    }

    private async Task RecoverInterruptedAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        foreach (var row in await db.Outbox.Where(o => o.State == OutboxState.Sending).ToListAsync(ct))
        {
            var idempotent = _senders.TryGetValue(row.Channel, out var sender) && sender.IsIdempotent;
            row.State = idempotent ? OutboxState.Pending : OutboxState.Unknown;
            row.LastError = idempotent ? row.LastError : "The hub stopped while this message was being sent; it may or may not have arrived.";
        }
        await db.SaveChangesAsync(ct);
    }

    private async Task<int> DispatchDueAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var now = time.GetUtcNow();
        var due = await db.Outbox.Where(o => o.State == OutboxState.Pending && o.NextAttemptAt <= now)
            .OrderBy(o => o.NextAttemptAt).Take(50).ToListAsync(ct);
        foreach (var row in due)
        {
            try
            {
                await SendOneAsync(db, row, ct);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // Recording the outcome failed (the database, not the channel): recover the row as after a crash.
                Log.DispatchFailed(logger, ex);
                db.ChangeTracker.Clear();
                await RecoverInterruptedAsync(ct);
                return 0;
            }
        }
        return due.Count;
    }

    private async Task SendOneAsync(HubDbContext db, OutboxMessage row, CancellationToken ct)
    {
        var message = await db.Messages.Include(m => m.Attachments).FirstAsync(m => m.Id == row.MessageId, ct);
        var conversation = await db.Conversations.AsNoTracking().FirstAsync(c => c.Id == message.ConversationId, ct);
        var to = await db.ChannelIdentities.AsNoTracking()
            .Where(i => i.ContactId == conversation.ContactId && i.Channel == row.Channel)
            .OrderByDescending(i => i.LastSeenAt).FirstOrDefaultAsync(ct);
        var author = message.AuthorAgentId is { } a ? await db.Agents.Where(x => x.Id == a).Select(x => x.DisplayName).FirstOrDefaultAsync(ct) : null;

        SendResult result;
        if (!_senders.TryGetValue(row.Channel, out var sender))
        {
            result = SendResult.Permanent($"The {row.Channel} channel is not configured on this hub.");
        }
        else if (to is null)
        {
            result = SendResult.Permanent($"The contact has no {row.Channel} address.");
        }
        else if (await OptedOutBulkAsync(db, message.Id, to, ct))
        {
            await SuppressAsync(db, row, message, ct);
            return;
        }
        else
        {
            row.State = OutboxState.Sending;
            row.Attempts++;
            await db.SaveChangesAsync(ct);
            try
            {
                result = await sender.SendAsync(new OutboundMessage(message.Id, new ChannelAddress(to.Channel, to.AccountId, to.Address),
                    message.Body, author, message.CreatedAt)
                {
                    Files = [.. message.Attachments.Select(a => new OutboundFile(a.FileName, a.ContentType, a.Size, a.StoragePath))],
                }, ct);
            }
            catch (Exception ex) when (!ct.IsCancellationRequested)
            {
                // A timeout surfaces as OperationCanceledException; only our own shutdown is not a send failure.
                result = SendResult.Transient(ex.Message);
            }
        }
        Publish(await RecordAsync(db, row, message, result, ct));
    }

    /// <summary>
    /// A campaign's message, or a customer reminder's, to an address that opted out after it was queued (it may have waited for
    /// its send window or a provider's 429): not sent. A person's reply in a conversation is not such a message, and is sent.
    /// </summary>
    private static async Task<bool> OptedOutBulkAsync(HubDbContext db, Guid messageId, ChannelIdentity to, CancellationToken ct) =>
        (to.OptedOutAt is not null || await db.ChannelIdentities.AnyAsync(i => i.Channel == to.Channel && i.Address == to.Address && i.OptedOutAt != null, ct))
        && (await db.CampaignRecipients.AnyAsync(r => r.MessageId == messageId, ct) || await db.Reminders.AnyAsync(r => r.MessageId == messageId, ct));

    private async Task SuppressAsync(HubDbContext db, OutboxMessage row, Message message, CancellationToken ct)
    {
        // The recipient and the message are marked together; the recipient only while still in flight (conditional, like the runner's).
        ConversationEvent? e;
        await using (var transaction = await db.Database.BeginTransactionAsync(ct))
        {
            await db.CampaignRecipients.Where(r => r.MessageId == message.Id && r.State == RecipientState.Sending)
                .ExecuteUpdateAsync(u => u.SetProperty(r => r.State, RecipientState.Suppressed).SetProperty(r => r.Error, OptedOutBeforeSending), ct);
            e = await RecordAsync(db, row, message, SendResult.Permanent(OptedOutBeforeSending), ct);
            await transaction.CommitAsync(ct);
        }
        Log.Suppressed(logger, message.Id);
        Publish(e);
    }

    private void Publish(ConversationEvent? e)
    {
        if (e is not null)
        {
            broadcaster.Publish([e]);
        }
    }

    private async Task<ConversationEvent?> RecordAsync(HubDbContext db, OutboxMessage row, Message message, SendResult result, CancellationToken ct)
    {
        // The customer's client may have acknowledged delivery while we were sending: decide on the stored status.
        await db.Entry(message).ReloadAsync(ct);
        var now = time.GetUtcNow();
        DeliveryStatus? status = null;
        switch (result.Outcome)
        {
            case SendOutcome.Sent:
                row.State = OutboxState.Sent;
                row.CompletedAt = now;
                message.ProviderMessageId ??= result.ProviderMessageId;
                status = DeliveryStatus.Sent;
                break;
            case SendOutcome.TransientFailure when row.Attempts < MaxAttempts:
                row.State = OutboxState.Pending;
                row.LastError = result.Error;
                row.NextAttemptAt = now + (result.RetryAfter ?? Backoff(row.Attempts));
                Log.Retrying(logger, row.MessageId, row.Attempts, result.Error);
                break;
            default:
                row.State = OutboxState.Failed;
                row.CompletedAt = now;
                row.LastError = result.Error;
                message.DeliveryError = result.Error;
                status = DeliveryStatus.Failed;
                break;
        }
        ConversationEvent? e = null;
        if (result.Outcome == SendOutcome.TransientFailure && row.State == OutboxState.Pending)
        {
            // Not persisted as a status (the message is still pending), but consoles show "retrying" and why.
            e = db.Append(EventKinds.DeliveryChanged, StaffEvents.MessageStatusChanged, message.ConversationId, null,
                new
                {
                    messageId = message.Id,
                    conversationId = message.ConversationId,
                    deliveryStatus = ConversationViews.Wire(message.DeliveryStatus ?? DeliveryStatus.Pending),
                    error = result.Error,
                    retrying = true,
                    attempt = row.Attempts,
                    nextAttemptAt = row.NextAttemptAt,
                }, now);
        }
        else if (status is { } next && (message.DeliveryStatus ?? DeliveryStatus.Pending).CanMoveTo(next))
        {
            message.DeliveryStatus = next;
            e = db.Append(EventKinds.DeliveryChanged, StaffEvents.MessageStatusChanged,
                message.ConversationId, null,
                new { messageId = message.Id, conversationId = message.ConversationId, deliveryStatus = ConversationViews.Wire(next), error = message.DeliveryError },
                now);
        }
        await db.SaveChangesAsync(ct);
        return e;
    }

    /// <summary>1 s, 2 s, 4 s ... capped at 5 minutes, with up to 20 % jitter so retries of many messages spread out.</summary>
    internal static TimeSpan Backoff(int attempt)
    {
        var seconds = Math.Min(300, Math.Pow(2, Math.Max(0, attempt - 1)));
        return TimeSpan.FromSeconds(seconds * (1 + (Random.Shared.NextDouble() * 0.2)));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Outbox dispatch failed; retrying on the next poll")]
        public static partial void DispatchFailed(ILogger logger, Exception ex);

        [LoggerMessage(2, LogLevel.Warning, "Send of message {MessageId} failed (attempt {Attempt}): {Error}; retrying")]
        public static partial void Retrying(ILogger logger, Guid messageId, int attempt, string? error);

        [LoggerMessage(3, LogLevel.Information, "Message {MessageId} not sent: its address opted out after it was queued")]
        public static partial void Suppressed(ILogger logger, Guid messageId);
    }
}
