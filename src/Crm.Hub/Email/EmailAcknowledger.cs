using Crm.Channels;
using Crm.Channels.Email;
using Crm.Hub.Conversations;
using Crm.Hub.Outbox;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Email;

/// <summary>
/// The automatic "we received your message" for a conversation a customer's email opened. RFC 3834 decides when not to:
/// never to automatic mail (out-of-office, lists, bulk, mail systems), never twice within the configured interval to one
/// address, so two robots can never keep answering each other. It is an automatic message, not an agent's first response.
/// </summary>
internal sealed class EmailAcknowledger(
    HubDbContext db, MessageTemplates templates, IOptionsMonitor<EmailOptions> options, OutboxSignal outbox, StaffBroadcaster broadcaster, TimeProvider time)
{
    public const string AutoReplied = "auto-replied: acknowledgement";

    public async Task<bool> AcknowledgeAsync(IngestResult stored, ParsedEmail parsed, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(parsed);
        var o = options.CurrentValue;
        if (!o.Acknowledge || !o.CanSend || parsed.Automatic != AutomaticKind.None || stored.Duplicate)
        {
            return false;
        }
        // Only the message that opened the conversation is acknowledged.
        if (await db.Messages.CountAsync(m => m.ConversationId == stored.ConversationId, ct) != 1)
        {
            return false;
        }
        var now = time.GetUtcNow();
        var since = now - TimeSpan.FromMinutes(o.AcknowledgeEveryMinutes);
        var address = parsed.FromAddress!;
        var identity = await db.ChannelIdentities.AsNoTracking()
            .FirstOrDefaultAsync(i => i.Channel == ChannelNames.Email && i.Address == address && i.ContactId == stored.ContactId, ct);
        if (identity is null || identity.OptedOutAt is not null || identity.UndeliverableAt is not null)
        {
            return false;
        }
        var contactConversations = db.Conversations.Where(c => c.ContactId == stored.ContactId).Select(c => c.Id);
        var recent = await db.Messages.AnyAsync(m => contactConversations.Contains(m.ConversationId) && m.Direction == MessageDirection.Outbound
            && m.AuthorAgentId == null && m.Channel == ChannelNames.Email && m.CreatedAt >= since && m.Email != null && m.Email.Automatic != null, ct);
        if (recent)
        {
            return false;
        }
        var conversation = await db.Conversations.Include(c => c.Contact).FirstAsync(c => c.Id == stored.ConversationId, ct);
        var body = templates.Render("email", "acknowledgement", MessageTemplates.LocaleOf(parsed.Subject + " " + parsed.TrimmedText),
            new Dictionary<string, object?>
            {
                ["contact"] = new Dictionary<string, object?> { ["name"] = conversation.Contact?.DisplayName },
                ["subject"] = parsed.Subject,
                ["conversation"] = new Dictionary<string, object?> { ["number"] = conversation.Number },
                ["business"] = new Dictionary<string, object?> { ["name"] = o.DisplayName ?? o.Address },
            });
        if (string.IsNullOrWhiteSpace(body))
        {
            return false;
        }
        var message = new Message
        {
            Id = Guid.CreateVersion7(now),
            ConversationId = conversation.Id,
            Direction = MessageDirection.Outbound,
            Channel = ChannelNames.Email,
            Body = body.Trim(),
            DeliveryStatus = DeliveryStatus.Pending,
            CreatedAt = now,
            Email = new EmailDetails { Subject = EmailComposer.ReplySubject(parsed.Subject), Automatic = AutoReplied },
        };
        db.Messages.Add(message);
        db.Outbox.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(now), MessageId = message.Id, Channel = ChannelNames.Email, State = OutboxState.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        var e = db.Append(EventKinds.Sent, StaffEvents.MessageAdded, conversation.Id, null, ConversationViews.From(message, o.DisplayName), now);
        await db.SaveChangesAsync(ct);
        broadcaster.Publish([e]);
        outbox.Wake();
        return true;
    }
}
