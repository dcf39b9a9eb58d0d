using System.Net;
using Crm.Channels;
using Crm.Channels.Email;
using Crm.Hub.Attachments;
using Crm.Hub.Conversations;
using Crm.Hub.Storage;
using Crm.Hub.Templates;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using MimeKit;

namespace Crm.Hub.Email;

/// <summary>
/// The outbox's way out for email: a reply that threads under the customer's last mail (In-Reply-To, References, "Re:"),
/// from the support address with a signed Reply-To for the conversation, the agent's signature from <c>templates/email/</c>,
/// text with an HTML alternative, and a VERP envelope sender so a bounce names this very message.
/// </summary>
internal sealed class EmailChannelSender(
    IServiceScopeFactory scopes, IOptionsMonitor<EmailOptions> options, EmailKeys keys, MessageTemplates templates, SmtpConnectionPool smtp,
    TimeProvider time) : IChannelSender
{
    public string Channel => ChannelNames.Email;

    // SMTP has no idempotency key: after a crash mid-send the outcome is unknown.
    public bool IsIdempotent => false;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        var o = options.CurrentValue;
        if (!o.CanSend)
        {
            return SendResult.Transient("Email sending is not configured on this hub (Crm:Channels:Email:Smtp:Host); the reply waits in the outbox.");
        }
        if (!EmailOptions.IsValidAddress(message.To.Address))
        {
            return SendResult.Permanent($"'{message.To.Address}' is not an email address.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var store = scope.ServiceProvider.GetRequiredService<AttachmentStore>();
        var stored = await db.Messages.FirstOrDefaultAsync(m => m.Id == message.MessageId, cancellationToken);
        var draft = await DraftAsync(db, store, o, message, stored, cancellationToken);
        var mime = EmailComposer.Compose(draft);
        mime.Date = time.GetUtcNow();
        if (stored is not null && await Campaigns.CampaignMail.HeadersAsync(db, scope.ServiceProvider.GetRequiredService<OptOut.UnsubscribeLinks>(), stored,
                message.To.Address, cancellationToken) is { } campaignHeaders)
        {
            foreach (var (name, value) in campaignHeaders)
            {
                mime.Headers.Replace(name, value);
            }
        }
        var replyAddresses = keys.ReplyAddresses();
        var envelope = new MailboxAddress(null, replyAddresses.ForBounces(message.MessageId));
        // Over a pooled connection: a campaign's mail does not sign in to the server once per message.
        var result = await smtp.SendAsync(o.Smtp, o.Address!, mime, envelope, [draft.To], o.SmtpPool, cancellationToken);
        if (result.Outcome == SendOutcome.Sent && stored is not null)
        {
            stored.Email = new EmailDetails
            {
                Subject = draft.Subject,
                InternetMessageId = draft.MessageId,
                InReplyTo = draft.InReplyTo,
                References = draft.References.Count == 0 ? null : string.Join(' ', draft.References),
                Counterpart = draft.To.ToString(),
                Automatic = stored.Email?.Automatic,
            };
            await db.SaveChangesAsync(cancellationToken);
        }
        return result;
    }

    private async Task<EmailDraft> DraftAsync(HubDbContext db, AttachmentStore store, EmailOptions o, OutboundMessage message, Message? stored,
        CancellationToken ct)
    {
        var conversation = stored is null ? null : await db.Conversations.AsNoTracking().Include(c => c.Contact)
            .FirstOrDefaultAsync(c => c.Id == stored.ConversationId, ct);
        // The customer's latest email in the conversation is what this answers; without one it starts a thread.
        var parent = conversation is null ? null : await db.Messages.AsNoTracking()
            .Where(m => m.ConversationId == conversation.Id && m.Channel == ChannelNames.Email && m.Direction == MessageDirection.Inbound
                && m.Email != null)
            .OrderByDescending(m => m.CreatedAt).Select(m => m.Email).FirstOrDefaultAsync(ct);
        var agent = stored?.AuthorAgentId is { } agentId
            ? await db.Agents.AsNoTracking().Where(a => a.Id == agentId).Select(a => new { a.DisplayName, a.Email }).FirstOrDefaultAsync(ct)
            : null;
        var automatic = stored?.Email?.Automatic is not null;
        var locale = MessageTemplates.LocaleOf(message.Body);
        var model = new Dictionary<string, object?>
        {
            ["agent"] = new Dictionary<string, object?> { ["name"] = agent?.DisplayName ?? message.SenderName ?? o.DisplayName, ["email"] = agent?.Email },
            ["business"] = new Dictionary<string, object?> { ["name"] = o.DisplayName ?? o.Address, ["address"] = o.Address },
            ["conversation"] = new Dictionary<string, object?> { ["number"] = conversation?.Number },
        };
        // An automatic message speaks for the business, not for an agent: no signature.
        var signature = automatic ? "" : templates.Render("email", "signature", locale, model)?.TrimEnd() ?? "";
        var text = signature.Length > 0 ? $"{message.Body}\n\n{signature}\n" : message.Body;
        model["body_html"] = ToHtml(message.Body);
        model["signature_html"] = ToHtml(signature);
        var html = templates.Render("email", "reply-html", locale, model);
        // A campaign message carries the subject its template rendered.
        var campaignMessage = stored is not null && await db.CampaignRecipients.AnyAsync(r => r.MessageId == stored.Id, ct);
        var subject = campaignMessage && stored?.Email?.Subject is { } campaignSubject ? campaignSubject
            : parent is not null
            ? EmailComposer.ReplySubject(parent.Subject)
            : conversation is not null ? $"Your conversation #{conversation.Number}" : "A message from " + (o.DisplayName ?? o.Address);
        var files = message.Files.Select(f => new EmailFile(f.FileName, f.ContentType,
            () => store.OpenRead(f.StoragePath) ?? throw new FileNotFoundException($"{f.FileName} is no longer in the attachment store."))).ToList();
        return new EmailDraft
        {
            From = new MailboxAddress(o.DisplayName, o.Address!),
            To = new MailboxAddress(conversation?.Contact?.DisplayName, message.To.Address),
            Subject = subject,
            MessageId = EmailComposer.MessageIdFor(message.MessageId, o.Domain),
            InReplyTo = parent?.InternetMessageId,
            References = parent is null ? [] : EmailComposer.ReferencesFor(parent.ReferenceList, parent.InternetMessageId),
            ReplyTo = conversation is null ? null : keys.ReplyAddresses().ForConversation(conversation.Number),
            Text = text,
            Html = html,
            Files = files,
            Automatic = automatic,
        };
    }

    private static string ToHtml(string text) => WebUtility.HtmlEncode(text).Replace("\r\n", "\n", StringComparison.Ordinal)
        .Replace("\n", "<br>\n", StringComparison.Ordinal);
}
