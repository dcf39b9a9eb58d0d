using Crm.Channels;
using Crm.Hub.Conversations;
using Crm.Hub.Outbox;
using Crm.Hub.Realtime;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Reminders;

/// <summary>
/// Turns a due customer reminder into an outbound message, in the caller's transaction: checks the address is still allowed
/// (opt-out and bounces are read now, at send time, not when the reminder was set), renders the template in the contact's
/// language, and commits the message with its outbox row. From there the outbox carries it, with its own at-most-once rule for
/// a crash mid-send (the row is marked unknown, never resent blindly).
/// </summary>
internal sealed class CustomerReminderMessages(HubDbContext db, CampaignTemplates templates, BuiltInCampaignTemplates builtIns)
{
    public async Task<List<ConversationEvent>> StageAsync(Reminder reminder, DateTimeOffset now, CancellationToken ct)
    {
        var contact = await db.Contacts.Include(c => c.Attributes).FirstOrDefaultAsync(c => c.Id == reminder.ContactId, ct);
        // The address the outbox will send to: the contact's most recently seen one on the channel.
        var to = contact is null ? null : await db.ChannelIdentities.Where(i => i.ContactId == contact.Id && i.Channel == reminder.Channel)
            .OrderByDescending(i => i.LastSeenAt).FirstOrDefaultAsync(ct);
        if (contact is null || to is null)
        {
            return Skip(reminder, $"The contact has no {reminder.Channel} address any more.");
        }
        if (to.OptedOutAt is not null || await db.ChannelIdentities.AnyAsync(i => i.Channel == to.Channel && i.Address == to.Address && i.OptedOutAt != null, ct))
        {
            return Skip(reminder, $"{to.Address} opted out of {to.Channel} messages.");
        }
        if (to.UndeliverableAt is not null)
        {
            return Skip(reminder, $"Mail to {to.Address} bounced ({to.UndeliverableReason}).");
        }

        var locale = contact.Locale is "fa" ? "fa" : "en";
        var text = TextOf(builtIns, reminder.Template!, locale);
        if (text is null)
        {
            return Fail(reminder, $"The template \"{reminder.Template}\" no longer exists.");
        }
        var attributes = contact.Attributes.ToDictionary(a => a.Key, a => a.Value, StringComparer.Ordinal);
        foreach (var (key, value) in ReminderRunner.ReadVariables(reminder.Variables))
        {
            attributes[key] = value;
        }
        var rendered = templates.Render(templates.Compile(text.Body, TemplateSyntax.Scriban),
            new TemplateContact(contact.DisplayName, contact.Email, contact.Phone, locale, attributes), new TemplateCampaign(reminder.Template!, null));
        if (!rendered.Succeeded || string.IsNullOrWhiteSpace(rendered.Output))
        {
            var error = rendered.Errors.Count > 0 ? rendered.Errors[0] : null;
            return Fail(reminder, error is null ? "The template rendered an empty message." : $"Line {error.Line}, column {error.Column}: {error.Message}");
        }

        var conversation = await ConversationForAsync(contact.Id, reminder.Channel!, now, ct);
        var message = new Message
        {
            Id = Guid.CreateVersion7(now), ConversationId = conversation.Id, Direction = MessageDirection.Outbound, Channel = reminder.Channel!,
            Body = rendered.Output.Trim(), DeliveryStatus = DeliveryStatus.Pending, CreatedAt = now,
        };
        db.Messages.Add(message);
        db.Outbox.Add(new OutboxMessage
        {
            Id = Guid.CreateVersion7(now), MessageId = message.Id, Channel = message.Channel, State = OutboxState.Pending, NextAttemptAt = now, CreatedAt = now,
        });
        conversation.LastMessageAt = now;
        conversation.LastMessagePreview = ConversationViews.Preview(message.Body);
        reminder.State = ReminderState.Queued;
        reminder.MessageId = message.Id;
        reminder.ConversationId = conversation.Id;
        reminder.Outcome = $"Sent to {to.Address} in {(locale == "fa" ? "Persian" : "English")}.";
        return [db.Append(EventKinds.Sent, StaffEvents.MessageAdded, conversation.Id, null, ConversationViews.From(message, null), now)];
    }

    public static BuiltInTemplateText? TextOf(BuiltInCampaignTemplates builtIns, string name, string locale)
    {
        var template = builtIns.All().FirstOrDefault(t => t.Name == name);
        return template is null ? null : template.Locales.GetValueOrDefault(locale) ?? template.Locales.GetValueOrDefault("en") ?? template.Locales.Values.FirstOrDefault();
    }

    /// <summary>
    /// The message joins the contact's open conversation (the agent there sees what the customer was sent), else their latest one,
    /// which stays resolved. A contact nobody ever talked to gets a resolved conversation to hold it: a reply then opens a new one.
    /// </summary>
    private async Task<Conversation> ConversationForAsync(Guid contactId, string channel, DateTimeOffset now, CancellationToken ct)
    {
        var existing = await db.Conversations.Where(c => c.ContactId == contactId)
            .OrderBy(c => c.Status == ConversationStatus.Resolved).ThenByDescending(c => c.LastMessageAt).FirstOrDefaultAsync(ct);
        if (existing is not null)
        {
            return existing;
        }
        var number = await ConversationNumbers.ReserveAsync(db, 1, ct);
        var conversation = new Conversation
        {
            Id = Guid.CreateVersion7(now), Number = number, ContactId = contactId, Channel = channel, Status = ConversationStatus.Resolved,
            CreatedAt = now, WaitingSince = now, LastMessageAt = now, ResolvedAt = now,
        };
        db.Conversations.Add(conversation);
        return conversation;
    }

    private static List<ConversationEvent> Skip(Reminder reminder, string why)
    {
        reminder.State = ReminderState.Skipped;
        reminder.Outcome = why;
        return [];
    }

    private static List<ConversationEvent> Fail(Reminder reminder, string why)
    {
        reminder.State = ReminderState.Failed;
        reminder.Outcome = why;
        return [];
    }
}
