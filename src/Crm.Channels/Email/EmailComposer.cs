using MimeKit;
using MimeKit.Utils;

namespace Crm.Channels.Email;

/// <summary>A file to attach to an outgoing email.</summary>
public sealed record EmailFile(string FileName, string ContentType, Func<Stream> Open);

/// <summary>The message an agent's reply becomes, before it is turned into MIME.</summary>
public sealed record EmailDraft
{
    public required MailboxAddress From { get; init; }
    public required MailboxAddress To { get; init; }
    public required string Subject { get; init; }

    /// <summary>Our Message-ID for it, without angle brackets.</summary>
    public required string MessageId { get; init; }

    /// <summary>The Message-ID of the customer's mail being answered, when there is one.</summary>
    public string? InReplyTo { get; init; }

    /// <summary>The thread so far: the parent's References followed by the parent's Message-ID.</summary>
    public IReadOnlyList<string> References { get; init; } = [];

    public string? ReplyTo { get; init; }
    public required string Text { get; init; }
    public string? Html { get; init; }
    public IReadOnlyList<EmailFile> Files { get; init; } = [];

    /// <summary>Sent by the hub on its own (acknowledgement, survey): marked so other robots do not answer it.</summary>
    public bool Automatic { get; init; }
}

/// <summary>Builds replies that thread in every mail client: Message-ID, In-Reply-To, References, "Re:" subject.</summary>
public static class EmailComposer
{
    /// <summary>Mail clients (and RFC 5322 §3.6.4 practice) keep the first and the last few ids of a long thread.</summary>
    public const int MaxReferences = 20;

    private static readonly string[] ReplyPrefixes = ["re:", "aw:", "sv:", "antw:", "ynt:", "رد:", "پاسخ:"];

    public static string MessageIdFor(Guid messageId, string domain) => $"{messageId:N}@{domain}";

    /// <summary>The id of our own message a Message-ID names, when it is one of ours.</summary>
    public static Guid? OurMessage(string messageId, string domain)
    {
        ArgumentNullException.ThrowIfNull(messageId);
        var at = messageId.LastIndexOf('@');
        return at == 32 && messageId[(at + 1)..].Equals(domain, StringComparison.OrdinalIgnoreCase) && Guid.TryParseExact(messageId[..at], "N", out var id)
            ? id
            : null;
    }

    public static string ReplySubject(string? subject)
    {
        var s = (subject ?? "").Trim();
        if (s.Length == 0)
        {
            return "Re: your message";
        }
        return ReplyPrefixes.Any(p => s.StartsWith(p, StringComparison.OrdinalIgnoreCase)) ? s : "Re: " + s;
    }

    /// <summary>The References of a reply to a message with <paramref name="parentReferences"/> and <paramref name="parentId"/>.</summary>
    public static IReadOnlyList<string> ReferencesFor(IEnumerable<string> parentReferences, string? parentId)
    {
        ArgumentNullException.ThrowIfNull(parentReferences);
        var all = parentReferences.Where(r => r.Length > 0).ToList();
        if (parentId is not null && (all.Count == 0 || all[^1] != parentId))
        {
            all.Add(parentId);
        }
        return all.Count <= MaxReferences ? all : [all[0], .. all.Skip(all.Count - (MaxReferences - 1))];
    }

    public static MimeMessage Compose(EmailDraft draft)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var message = new MimeMessage
        {
            Subject = draft.Subject,
            MessageId = draft.MessageId,
            Date = DateTimeOffset.UnixEpoch, // replaced by the caller's clock below
        };
        message.From.Add(draft.From);
        message.To.Add(draft.To);
        if (draft.ReplyTo is not null)
        {
            message.ReplyTo.Add(new MailboxAddress(draft.From.Name, draft.ReplyTo));
        }
        if (draft.InReplyTo is not null)
        {
            message.InReplyTo = draft.InReplyTo;
        }
        foreach (var reference in draft.References)
        {
            message.References.Add(reference);
        }
        if (draft.Automatic)
        {
            AutomaticMail.MarkAutomatic(message, isReply: draft.InReplyTo is not null);
        }
        var body = new BodyBuilder { TextBody = draft.Text, HtmlBody = draft.Html };
        foreach (var file in draft.Files)
        {
            using var content = file.Open();
            body.Attachments.Add(file.FileName, content, ContentType.Parse(file.ContentType));
        }
        message.Body = body.ToMessageBody();
        return message;
    }

    /// <summary>A fresh Message-ID on our domain, for mail that is not a stored message (a test send).</summary>
    public static string NewMessageId(string domain) => MimeUtils.GenerateMessageId(domain);
}
