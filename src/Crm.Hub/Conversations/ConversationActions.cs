using System.Security.Claims;
using Crm.Channels;
using Crm.Hub.Auth;
using Crm.Hub.Outbox;
using Crm.Hub.Realtime;
using Crm.Hub.Routing;
using Crm.Hub.Storage;
using Crm.Routing;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Conversations;

/// <summary>A reply or note. <c>Channel</c> picks one of the contact's channels; by default the one the customer last wrote on.</summary>
public sealed record ReplyRequest(string? Body, bool Internal = false, string? Channel = null);

public sealed record TransferRequest(Guid? AgentId, Guid? TeamId, string? Note);

/// <summary>A refusal the API turns into a problem-details response.</summary>
internal sealed record ActionRefused(int Status, string Title, string Detail);

/// <summary>What agents do to a conversation. Each action commits, then tells routing and the consoles.</summary>
internal sealed partial class ConversationActions(
    HubDbContext db, RoutingLoop routing, QueueClassifier queues, StaffBroadcaster broadcaster, OutboxSignal outbox, TimeProvider time)
{
    public const int MaxBodyLength = 20_000;

    public async Task<(MessageView? Message, ActionRefused? Refused)> ReplyAsync(Guid conversationId, ReplyRequest request, ClaimsPrincipal user,
        CancellationToken ct, IReadOnlyList<InboundAttachment>? files = null)
    {
        var (conversation, refused) = await LoadOwnAsync(conversationId, user, ct);
        if (conversation is null)
        {
            return (null, refused);
        }
        if (conversation.Status == ConversationStatus.Resolved && !request.Internal)
        {
            return (null, new ActionRefused(StatusCodes.Status409Conflict, "Conversation is resolved", "Reopen the conversation before replying."));
        }

        var now = time.GetUtcNow();
        var agentId = user.AgentId();
        var channel = request.Internal || string.IsNullOrEmpty(request.Channel) ? await ConversationViews.DefaultReplyChannelAsync(db, conversation, ct) : request.Channel;
        var to = await db.ChannelIdentities.Where(i => i.ContactId == conversation.ContactId && i.Channel == channel)
            .OrderByDescending(i => i.LastSeenAt).FirstOrDefaultAsync(ct);
        if (!request.Internal && to is null)
        {
            return (null, new ActionRefused(StatusCodes.Status409Conflict, "No address", $"The contact has no {channel} address to reply to."));
        }
        if (!request.Internal && to!.OptedOutAt is not null)
        {
            return (null, new ActionRefused(StatusCodes.Status409Conflict, "Opted out", $"The contact opted out of {channel} messages."));
        }
        if (!request.Internal && to!.UndeliverableAt is not null)
        {
            return (null, new ActionRefused(StatusCodes.Status409Conflict, "Address undeliverable",
                $"Mail to {to.Address} bounced ({to.UndeliverableReason}); reply on another channel, or wait until the customer writes from it again."));
        }

        foreach (var file in files ?? [])
        {
            if (OutboundFiles.Refusal(channel, file.ContentType) is { } why)
            {
                return (null, new ActionRefused(StatusCodes.Status409Conflict, "File not sendable", $"{file.FileName}: {why}"));
            }
        }

        var message = new Message
        {
            Id = Guid.CreateVersion7(now),
            ConversationId = conversation.Id,
            Direction = request.Internal ? MessageDirection.Note : MessageDirection.Outbound,
            Channel = channel,
            Body = request.Body!.Trim(),
            AuthorAgentId = agentId,
            DeliveryStatus = request.Internal ? null : DeliveryStatus.Pending,
            CreatedAt = now,
            Attachments = [.. (files ?? []).Select(f => new Attachment
            {
                Id = Guid.CreateVersion7(now), FileName = f.FileName, ContentType = f.ContentType, Size = f.Size, Sha256 = f.Sha256,
                StoragePath = f.StoragePath, Pages = f.Pages,
            })],
        };
        db.Messages.Add(message);
        if (!request.Internal)
        {
            db.Outbox.Add(new OutboxMessage
            {
                Id = Guid.CreateVersion7(now), MessageId = message.Id, Channel = channel, State = OutboxState.Pending,
                NextAttemptAt = now, CreatedAt = now,
            });
            conversation.FirstResponseAt ??= now;
            conversation.LastMessageAt = now;
            conversation.LastMessagePreview = ConversationViews.Preview(message.Body);
        }

        var author = user.Identity?.Name;
        var view = ConversationViews.From(message, author);
        var events = new List<ConversationEvent>
        {
            db.Append(request.Internal ? EventKinds.NoteAdded : EventKinds.Sent, StaffEvents.MessageAdded, conversation.Id, agentId, view, now),
        };
        if (!request.Internal)
        {
            events.Add(await UpdatedAsync(conversation, EventKinds.Sent, agentId, now, ct));
        }
        await db.SaveChangesAsync(ct);
        broadcaster.Publish(events);
        if (!request.Internal)
        {
            outbox.Wake();
        }
        return (view, null);
    }

    public async Task<(ConversationView? View, ActionRefused? Refused)> TransferAsync(Guid conversationId, TransferRequest request, ClaimsPrincipal user, CancellationToken ct)
    {
        var (conversation, refused) = await LoadOwnAsync(conversationId, user, ct);
        if (conversation is null)
        {
            return (null, refused);
        }
        if (conversation.Status == ConversationStatus.Resolved)
        {
            return (null, new ActionRefused(StatusCodes.Status409Conflict, "Conversation is resolved", "Reopen the conversation before transferring it."));
        }
        if (request.AgentId is { } target && !await db.Agents.AnyAsync(a => a.Id == target && a.IsActive, ct))
        {
            return (null, new ActionRefused(StatusCodes.Status400BadRequest, "Unknown agent", $"There is no active agent {target}."));
        }
        if (request.TeamId is { } team && !await db.Teams.AnyAsync(t => t.Id == team, ct))
        {
            return (null, new ActionRefused(StatusCodes.Status400BadRequest, "Unknown team", $"There is no team {team}."));
        }

        var now = time.GetUtcNow();
        var agentId = user.AgentId();
        conversation.Status = ConversationStatus.Waiting;
        conversation.AssigneeId = null;
        conversation.OfferedToAgentId = null;
        conversation.OfferExpiresAt = null;
        // A named agent takes it whatever their team; the agent who let it go is no longer its responsible agent.
        conversation.TeamId = request.AgentId is null ? request.TeamId : null;
        conversation.TargetAgentId = request.AgentId;
        conversation.ResponsibleAgentId = null;
        conversation.WaitingSince = now;
        var events = new List<ConversationEvent>();
        if (!string.IsNullOrWhiteSpace(request.Note))
        {
            var note = new Message
            {
                Id = Guid.CreateVersion7(now), ConversationId = conversation.Id, Direction = MessageDirection.Note,
                Channel = conversation.Channel, Body = request.Note.Trim(), AuthorAgentId = agentId, CreatedAt = now,
            };
            db.Messages.Add(note);
            events.Add(db.Append(EventKinds.NoteAdded, StaffEvents.MessageAdded, conversation.Id, agentId, ConversationViews.From(note, user.Identity?.Name), now));
        }
        events.Add(await UpdatedAsync(conversation, EventKinds.Transferred, agentId, now, ct));
        await db.SaveChangesAsync(ct);
        var routed = routing.SendAsync(queues.Waiting(conversation, now, target: request.AgentId, placedByPerson: true), ct);
        broadcaster.Publish(events);
        await routed;
        return (await ConversationViews.FindAsync(db, conversation.Id, ct), null);
    }

    public async Task<(ConversationView? View, ActionRefused? Refused)> ResolveAsync(Guid conversationId, ClaimsPrincipal user, CancellationToken ct)
    {
        var (conversation, refused) = await LoadOwnAsync(conversationId, user, ct);
        if (conversation is null)
        {
            return (null, refused);
        }
        if (conversation.Status == ConversationStatus.Resolved)
        {
            return (await ConversationViews.FindAsync(db, conversationId, ct), null);
        }
        var now = time.GetUtcNow();
        conversation.Status = ConversationStatus.Resolved;
        conversation.ResolvedAt = now;
        conversation.TargetAgentId = null;
        conversation.OfferedToAgentId = null;
        conversation.OfferExpiresAt = null;
        var e = await UpdatedAsync(conversation, EventKinds.Resolved, user.AgentId(), now, ct);
        await db.SaveChangesAsync(ct);
        var routed = routing.SendAsync(new ConversationClosed(conversation.Id), ct);
        broadcaster.Publish([e]);
        await routed;
        return (await ConversationViews.FindAsync(db, conversationId, ct), null);
    }

    public async Task<(ConversationView? View, ActionRefused? Refused)> ReopenAsync(Guid conversationId, ClaimsPrincipal user, CancellationToken ct)
    {
        var conversation = await db.Conversations.Include(c => c.Contact).FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null)
        {
            return (null, NotFound(conversationId));
        }
        if (conversation.Status != ConversationStatus.Resolved)
        {
            return (null, new ActionRefused(StatusCodes.Status409Conflict, "Not resolved", "Only a resolved conversation can be reopened."));
        }
        var agentId = user.AgentId();
        if (!user.CanActOnAnyConversation() && conversation.AssigneeId != agentId)
        {
            return (null, new ActionRefused(StatusCodes.Status403Forbidden, "Not your conversation", "Only the agent who handled it or a supervisor can reopen it."));
        }
        var newer = await db.Conversations.Where(c => c.ContactId == conversation.ContactId && c.Status != ConversationStatus.Resolved)
            .Select(c => (long?)c.Number).FirstOrDefaultAsync(ct);
        if (newer is { } number)
        {
            return (null, new ActionRefused(StatusCodes.Status409Conflict, "Contact has an open conversation", $"The contact's conversation #{number} is open; continue there."));
        }

        var now = time.GetUtcNow();
        conversation.Status = ConversationStatus.Waiting;
        conversation.ResolvedAt = null;
        conversation.AssigneeId = null;
        conversation.WaitingSince = now;
        var e = await UpdatedAsync(conversation, EventKinds.Reopened, agentId, now, ct);
        await db.SaveChangesAsync(ct);
        // The agent who reopens it is its responsible agent and gets it back first.
        var routed = routing.SendAsync(queues.Waiting(conversation, now, responsible: agentId), ct);
        broadcaster.Publish([e]);
        await routed;
        return (await ConversationViews.FindAsync(db, conversationId, ct), null);
    }

    public async Task<(ConversationView? View, ActionRefused? Refused)> AnswerOfferAsync(Guid conversationId, bool accept, ClaimsPrincipal user, CancellationToken ct)
    {
        if (!await db.Conversations.AnyAsync(c => c.Id == conversationId, ct))
        {
            return (null, NotFound(conversationId));
        }
        var agentId = user.AgentId();
        RoutingEvent answer = accept ? new OfferAccepted(conversationId, agentId) : new OfferDeclined(conversationId, agentId);
        var decisions = await routing.SendAsync(answer, ct);
        if (decisions.FirstOrDefault(d => d.Kind == DecisionKind.Rejected) is { } rejected)
        {
            return (null, new ActionRefused(StatusCodes.Status409Conflict, "Offer is not open", rejected.Reason));
        }
        return (await ConversationViews.FindAsync(db, conversationId, ct), null);
    }

    private async Task<ConversationEvent> UpdatedAsync(Conversation c, string kind, Guid agentId, DateTimeOffset now, CancellationToken ct)
    {
        var assignee = c.AssigneeId is { } a ? await db.Agents.Where(x => x.Id == a).Select(x => x.DisplayName).FirstOrDefaultAsync(ct) : null;
        return db.Append(kind, StaffEvents.ConversationUpdated, c.Id, agentId, ConversationViews.From(c, c.Contact?.DisplayName, assignee), now);
    }

    /// <summary>The conversation, if it exists and the caller may act on it (its assignee, or a supervisor or admin).</summary>
    private async Task<(Conversation? Conversation, ActionRefused? Refused)> LoadOwnAsync(Guid conversationId, ClaimsPrincipal user, CancellationToken ct)
    {
        var conversation = await db.Conversations.Include(c => c.Contact).FirstOrDefaultAsync(c => c.Id == conversationId, ct);
        if (conversation is null)
        {
            return (null, NotFound(conversationId));
        }
        return Refuse(conversation, user) is { } refused ? (null, refused) : (conversation, null);
    }

    private static ActionRefused? Refuse(Conversation conversation, ClaimsPrincipal user) =>
        user.CanActOnAnyConversation() || conversation.AssigneeId == user.AgentId()
            ? null
            : new ActionRefused(StatusCodes.Status403Forbidden, "Not your conversation",
                conversation.AssigneeId is null
                    ? "The conversation is not assigned to you. Accept its offer first."
                    : "The conversation is assigned to another agent.");

    private static ActionRefused NotFound(Guid id) =>
        new(StatusCodes.Status404NotFound, "Conversation not found", $"There is no conversation {id}.");
}
