using Crm.Channels;
using Crm.Hub.Contacts;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Crm.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Conversations;

internal sealed record IngestResult(bool Duplicate, Guid MessageId, Guid ConversationId, Guid ContactId, DateTimeOffset CreatedAt, DeliveryStatus Status);

/// <summary>
/// The one entry every channel uses for a customer's message: resolve the contact by channel identity,
/// drop duplicates, thread into the contact's open conversation or open one, commit — and only then
/// tell routing and the consoles. A caller that got a result may acknowledge its provider.
/// </summary>
internal sealed partial class IngestPipeline(
    IServiceScopeFactory scopes, RoutingLoop routing, StaffBroadcaster broadcaster, TimeProvider time, ILogger<IngestPipeline> logger) : IDisposable
{
    // Conversation numbers and contact creation need one writer at a time; SQLite has one anyway.
    private readonly SemaphoreSlim _writer = new(1, 1);

    public async Task<IngestResult> IngestAsync(InboundMessage inbound, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(inbound);
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();

        await _writer.WaitAsync(ct);
        Staged staged;
        try
        {
            var existing = await FindDuplicateAsync(db, inbound, ct);
            if (existing is not null)
            {
                return existing;
            }
            staged = await StageAsync(db, inbound, ct);
            await db.SaveChangesAsync(ct);
        }
        catch (DbUpdateException ex)
        {
            // A duplicate written by another node between our check and our commit is dropped; anything else is a fault.
            db.ChangeTracker.Clear();
            var raced = await FindDuplicateAsync(db, inbound, CancellationToken.None);
            if (raced is null)
            {
                throw;
            }
            LogDuplicateAtCommit(logger, ex, inbound.From.Channel);
            return raced;
        }
        finally
        {
            _writer.Release();
        }

        await broadcaster.PushAsync(staged.Events);
        if (staged.Opened)
        {
            var c = staged.Conversation;
            routing.Post(new ConversationWaiting(c.Id, c.Channel, c.Priority, c.WaitingSince, c.TeamId, c.ResponsibleAgentId));
        }
        return new IngestResult(false, staged.Message.Id, staged.Conversation.Id, staged.Conversation.ContactId, staged.Message.CreatedAt,
            staged.Message.DeliveryStatus ?? DeliveryStatus.Sent);
    }

    private sealed record Staged(Conversation Conversation, Message Message, bool Opened, List<ConversationEvent> Events);

    private static async Task<IngestResult?> FindDuplicateAsync(HubDbContext db, InboundMessage inbound, CancellationToken ct)
    {
        var hit = await db.Messages.AsNoTracking()
            .Where(m => m.Channel == inbound.From.Channel && m.ProviderMessageId == inbound.ProviderMessageId)
            .Select(m => new { m.Id, m.ConversationId, m.CreatedAt, m.DeliveryStatus })
            .FirstOrDefaultAsync(ct);
        if (hit is null)
        {
            return null;
        }
        var contactId = await db.Conversations.Where(c => c.Id == hit.ConversationId).Select(c => c.ContactId).FirstAsync(ct);
        return new IngestResult(true, hit.Id, hit.ConversationId, contactId, hit.CreatedAt, hit.DeliveryStatus ?? DeliveryStatus.Sent);
    }

    private async Task<Staged> StageAsync(HubDbContext db, InboundMessage inbound, CancellationToken ct)
    {
        var now = time.GetUtcNow();
        var contact = await ResolveContactAsync(db, inbound, now, ct);

        var conversation = await db.Conversations
            .Where(c => c.ContactId == contact.Id && c.Status != ConversationStatus.Resolved)
            .OrderByDescending(c => c.LastMessageAt)
            .FirstOrDefaultAsync(ct);
        var opened = conversation is null;
        if (conversation is null)
        {
            var lastNumber = await db.Conversations.MaxAsync(c => (long?)c.Number, ct) ?? 0;
            conversation = new Conversation
            {
                Id = Guid.CreateVersion7(now),
                Number = lastNumber + 1,
                ContactId = contact.Id,
                Channel = inbound.From.Channel,
                Status = ConversationStatus.Waiting,
                ResponsibleAgentId = contact.ResponsibleAgentId,
                CreatedAt = now,
                WaitingSince = now,
            };
            db.Conversations.Add(conversation);
        }

        var message = new Message
        {
            Id = Guid.CreateVersion7(now),
            ConversationId = conversation.Id,
            Direction = MessageDirection.Inbound,
            Channel = inbound.From.Channel,
            Body = inbound.Body,
            ProviderMessageId = inbound.ProviderMessageId,
            // An assigned conversation's messages reach the assignee's console with this very commit.
            DeliveryStatus = conversation.Status == ConversationStatus.Assigned ? DeliveryStatus.Delivered : DeliveryStatus.Sent,
            CreatedAt = now,
            Attachments = (inbound.Attachments ?? []).Select(a => new Attachment
            {
                Id = Guid.CreateVersion7(now),
                FileName = a.FileName,
                ContentType = a.ContentType,
                Size = a.Size,
                Sha256 = a.Sha256,
                StoragePath = a.StoragePath,
            }).ToList(),
        };
        db.Messages.Add(message);
        conversation.LastMessageAt = now;
        conversation.LastMessagePreview = ConversationViews.Preview(inbound.Body);

        var contactName = contact.DisplayName;
        var assigneeName = conversation.AssigneeId is { } assignee
            ? await db.Agents.Where(a => a.Id == assignee).Select(a => a.DisplayName).FirstOrDefaultAsync(ct)
            : null;
        var events = new List<ConversationEvent>
        {
            db.Append(opened ? EventKinds.Opened : EventKinds.Received, StaffEvents.ConversationUpdated, conversation.Id, null,
                ConversationViews.From(conversation, contactName, assigneeName), now),
            db.Append(EventKinds.Received, StaffEvents.MessageAdded, conversation.Id, null, ConversationViews.From(message, null), now),
        };
        return new Staged(conversation, message, opened, events);
    }

    private static async Task<Contact> ResolveContactAsync(HubDbContext db, InboundMessage inbound, DateTimeOffset now, CancellationToken ct)
    {
        var from = inbound.From;
        var identity = await db.ChannelIdentities.Include(i => i.Contact)
            .FirstOrDefaultAsync(i => i.Channel == from.Channel && i.AccountId == from.AccountId && i.Address == from.Address, ct);
        if (identity?.Contact is { } known)
        {
            identity.LastSeenAt = now;
            known.DisplayName ??= inbound.SenderName;
            known.Email ??= inbound.SenderEmail;
            return known;
        }
        var contact = new Contact
        {
            Id = Guid.CreateVersion7(now),
            DisplayName = inbound.SenderName,
            Email = inbound.SenderEmail,
            CreatedAt = now,
        };
        contact.Identities.Add(new ChannelIdentity
        {
            Id = Guid.CreateVersion7(now),
            ContactId = contact.Id,
            Channel = from.Channel,
            AccountId = from.AccountId,
            Address = from.Address,
            CreatedAt = now,
            LastSeenAt = now,
        });
        db.Contacts.Add(contact);
        return contact;
    }

    public void Dispose() => _writer.Dispose();

    [LoggerMessage(1, LogLevel.Debug, "Duplicate {Channel} message dropped at commit")]
    private static partial void LogDuplicateAtCommit(ILogger logger, Exception ex, string channel);
}
