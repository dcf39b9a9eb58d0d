using Crm.Channels;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;

namespace Crm.Hub.Conversations;

public sealed record ConversationView(
    Guid Id, long Number, Guid ContactId, string? ContactName, string Channel, string Status, string? Category, int Priority,
    Guid? AssigneeId, string? AssigneeName, Guid? ResponsibleAgentId, Guid? TeamId, DateTimeOffset CreatedAt,
    DateTimeOffset LastMessageAt, string? LastMessagePreview, Guid? OfferedToAgentId, DateTimeOffset? OfferExpiresAt, Guid? QueueId = null,
    int? PolicyVersion = null, Guid? CampaignId = null);

public sealed record AttachmentView(Guid Id, string FileName, string ContentType, long Size, int? Pages, bool Inline = false);

/// <summary>
/// An email's own parts: subject, sanitized HTML (inline images pointing at the attachment API, remote images held in
/// <c>data-remote-src</c>), the text without the quoted earlier mail, and anything that could not be read.
/// </summary>
public sealed record EmailView(string Subject, string? Html, bool HasRemoteImages, string? TrimmedText, string? Automatic,
    IReadOnlyList<string> Warnings, string? Counterpart);

public sealed record MessageView(
    Guid Id, Guid ConversationId, string Direction, string Channel, string Body, Guid? AuthorAgentId, string? AuthorName,
    DateTimeOffset CreatedAt, string? DeliveryStatus, IReadOnlyList<AttachmentView> Attachments, string? DeliveryError = null,
    DateTimeOffset? EditedAt = null, RetryView? Retry = null, EmailView? Email = null);

/// <summary>The outbox is retrying a send after a transient provider failure.</summary>
public sealed record RetryView(int Attempt, string Error, DateTimeOffset NextAttemptAt);

/// <summary>Where an agent's reply can go: each of the contact's channels (its latest address there) and the default.</summary>
public sealed record ReplyOptionsView(string Default, IReadOnlyList<ReplyChannelView> Channels);

/// <summary>One channel a reply can be sent on; an opted-out or undeliverable one is refused when chosen.</summary>
public sealed record ReplyChannelView(string Channel, string Address, bool OptedOut, string? Undeliverable = null);

internal static class ConversationViews
{
    public const int PreviewLength = 140;

    public static string Preview(string body) => body.Length <= PreviewLength ? body : string.Concat(body.AsSpan(0, PreviewLength - 1), "…");

    public static string Wire(ConversationStatus status) => status.ToString().ToLowerInvariant();

    public static string Wire(MessageDirection direction) => direction.ToString().ToLowerInvariant();

    public static string? Wire(DeliveryStatus? status) => status?.ToString().ToLowerInvariant();

    public static async Task<ConversationView?> FindAsync(HubDbContext db, Guid id, CancellationToken ct) =>
        (await ForAsync(db, db.Conversations.Where(c => c.Id == id), ct)).FirstOrDefault();

    public static async Task<List<ConversationView>> ForAsync(HubDbContext db, IQueryable<Conversation> query, CancellationToken ct)
    {
        var rows = await query.AsNoTracking()
            .Select(c => new { Conversation = c, ContactName = c.Contact!.DisplayName })
            .ToListAsync(ct);
        var agentIds = rows.Where(r => r.Conversation.AssigneeId != null).Select(r => r.Conversation.AssigneeId!.Value).Distinct().ToList();
        var names = agentIds.Count == 0
            ? []
            : await db.Agents.AsNoTracking().Where(a => agentIds.Contains(a.Id)).ToDictionaryAsync(a => a.Id, a => a.DisplayName, ct);
        return rows.Select(r => From(r.Conversation, r.ContactName, r.Conversation.AssigneeId is { } a ? names.GetValueOrDefault(a) : null)).ToList();
    }

    /// <summary>The channel a reply goes out on unless the agent picks another: the one the customer last wrote on.</summary>
    public static async Task<string> DefaultReplyChannelAsync(HubDbContext db, Conversation conversation, CancellationToken ct) =>
        await db.Messages.Where(m => m.ConversationId == conversation.Id && m.Direction == MessageDirection.Inbound)
            .OrderByDescending(m => m.CreatedAt).Select(m => m.Channel).FirstOrDefaultAsync(ct) ?? conversation.Channel;

    /// <summary>The contact's channels, each with the address a reply there would use (the most recently seen one).</summary>
    public static async Task<ReplyOptionsView> ReplyOptionsAsync(HubDbContext db, Conversation conversation, CancellationToken ct)
    {
        var identities = await db.ChannelIdentities.AsNoTracking().Where(i => i.ContactId == conversation.ContactId)
            .Select(i => new { i.Channel, i.Address, i.OptedOutAt, i.LastSeenAt, i.UndeliverableAt, i.UndeliverableReason }).ToListAsync(ct);
        var byDefault = await DefaultReplyChannelAsync(db, conversation, ct);
        var channels = identities.GroupBy(i => i.Channel)
            .Select(g => g.MaxBy(i => i.LastSeenAt)!)
            .OrderBy(i => i.Channel == byDefault ? 0 : 1).ThenBy(i => i.Channel, StringComparer.Ordinal)
            .Select(i => new ReplyChannelView(i.Channel, i.Address, i.OptedOutAt is not null,
                i.UndeliverableAt is null ? null : i.UndeliverableReason ?? "Mail to this address bounced."))
            .ToList();
        return new ReplyOptionsView(byDefault, channels);
    }

    public static ConversationView From(Conversation c, string? contactName, string? assigneeName) => new(
        c.Id, c.Number, c.ContactId, contactName ?? $"Visitor #{c.Number}", c.Channel, Wire(c.Status), c.Category, c.Priority,
        c.AssigneeId, assigneeName, c.ResponsibleAgentId, c.TeamId, c.CreatedAt, c.LastMessageAt, c.LastMessagePreview,
        c.OfferedToAgentId, c.OfferExpiresAt, c.QueueId, c.PolicyVersion, c.CampaignId);

    public static MessageView From(Message m, string? authorName) => new(
        m.Id, m.ConversationId, Wire(m.Direction), m.Channel, m.Body, m.AuthorAgentId, authorName, m.CreatedAt,
        Wire(m.DeliveryStatus), m.Attachments.Select(a => new AttachmentView(a.Id, a.FileName, a.ContentType, a.Size, a.Pages, a.Inline)).ToList(),
        m.DeliveryError, m.EditedAt, Email: m.Email is { } e ? EmailOf(e, m.Attachments) : null);

    private static EmailView EmailOf(Email.EmailDetails e, List<Attachment> attachments)
    {
        var html = e.Html;
        if (html is not null)
        {
            // cid: images become the attachment API's URLs (the console sends its cookie with them).
            foreach (var a in attachments.Where(a => a.ContentId is not null))
            {
                html = html.Replace($"\"cid:{a.ContentId}\"", $"\"/api/v1/attachments/{a.Id}?inline=true\"", StringComparison.OrdinalIgnoreCase);
            }
        }
        return new EmailView(e.Subject, html, e.HasRemoteImages, e.TrimmedText, e.Automatic,
            e.Warnings?.Split('\n', StringSplitOptions.RemoveEmptyEntries) ?? [], e.Counterpart);
    }
}
