using System.Security.Cryptography;
using System.Text;
using MimeKit;
using MimeKit.Tnef;

namespace Crm.Channels.Email;

/// <summary>A file carried by an email: an attachment, or an inline image its HTML shows.</summary>
public sealed class EmailPart(string fileName, string contentType, string? contentId, bool inline, Func<Stream, CancellationToken, Task> write)
{
    public string FileName { get; } = fileName;
    public string ContentType { get; } = contentType;

    /// <summary>The Content-ID the HTML refers to with <c>cid:</c>, without angle brackets.</summary>
    public string? ContentId { get; } = contentId;

    /// <summary>Shown inside the body rather than listed as an attachment.</summary>
    public bool Inline { get; } = inline;

    /// <summary>Writes the decoded bytes.</summary>
    public Task WriteToAsync(Stream target, CancellationToken cancellationToken) => write(target, cancellationToken);
}

/// <summary>What the hub keeps of one email.</summary>
public sealed record ParsedEmail
{
    /// <summary>The de-duplication key: the Message-ID, or a hash of the content when the message has none.</summary>
    public required string ProviderMessageId { get; init; }

    /// <summary>The Message-ID header without angle brackets, when present.</summary>
    public string? MessageId { get; init; }

    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>The sender's address in lower case; null when the message names no sender at all.</summary>
    public string? FromAddress { get; init; }

    public string? FromName { get; init; }

    /// <summary>Every address the message was delivered to (To, Cc, Delivered-To, X-Original-To, Envelope-To).</summary>
    public IReadOnlyList<string> Recipients { get; init; } = [];

    public string Subject { get; init; } = "";

    /// <summary>The full plain text (from the HTML when the sender sent no text part).</summary>
    public string Text { get; init; } = "";

    /// <summary>The sender's own words without the quoted earlier mail.</summary>
    public string TrimmedText { get; init; } = "";

    public SanitizedHtml? Html { get; init; }
    public IReadOnlyList<EmailPart> Parts { get; init; } = [];
    public AutomaticKind Automatic { get; init; }
    public string? AutomaticEvidence { get; init; }

    /// <summary>Set when the message is a delivery status notification (a bounce).</summary>
    public DeliveryReport? Report { get; init; }

    /// <summary>What could not be read as sent; shown with the message so an agent knows something is missing.</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    public DateTimeOffset? Date { get; init; }
}

/// <summary>
/// Turns a MIME message into what the hub stores. Tolerant by design: a part that cannot be read becomes a warning and the
/// rest of the message is kept, because a customer's mail must never be dropped for being badly formed.
/// </summary>
public static class EmailParser
{
    public const int MaxProviderIdLength = 200;

    public static ParsedEmail Parse(MimeMessage message, string? ourAddress, int maxParts = 50)
    {
        ArgumentNullException.ThrowIfNull(message);
        var warnings = new List<string>();
        var sender = message.From.Mailboxes.FirstOrDefault() ?? message.Sender ?? message.ReplyTo.Mailboxes.FirstOrDefault();
        if (sender is null)
        {
            warnings.Add("The message names no sender.");
        }
        var (html, text) = Bodies(message, warnings);
        SanitizedHtml? sanitized = null;
        if (html is not null)
        {
            try
            {
                sanitized = EmailHtml.Sanitize(html);
            }
            catch (Exception ex) when (ex is InvalidOperationException or ArgumentException or FormatException)
            {
                warnings.Add($"The HTML body could not be shown safely ({ex.Message}); the text is kept.");
            }
        }
        if (text is null && html is not null)
        {
            text = EmailHtml.ToText(html);
        }
        text ??= "";
        var parts = Parts(message, sanitized?.ContentIds ?? new HashSet<string>(), warnings, maxParts);
        if (text.Length == 0 && parts.Count == 0)
        {
            warnings.Add("The message has no text and no attachments.");
        }
        var (automatic, evidence) = AutomaticMail.Classify(message, ourAddress);
        if (string.IsNullOrWhiteSpace(message.MessageId))
        {
            warnings.Add("The message has no Message-ID; replies to it may not thread.");
        }
        return new ParsedEmail
        {
            ProviderMessageId = ProviderId(message),
            MessageId = string.IsNullOrWhiteSpace(message.MessageId) ? null : message.MessageId,
            InReplyTo = string.IsNullOrWhiteSpace(message.InReplyTo) ? null : message.InReplyTo,
            References = [.. message.References],
            FromAddress = sender?.Address?.Trim().ToLowerInvariant() is { Length: > 0 } address ? address : null,
            FromName = string.IsNullOrWhiteSpace(sender?.Name) ? null : sender.Name.Trim(),
            Recipients = Recipients(message),
            Subject = (message.Subject ?? "").Trim(),
            Text = text,
            TrimmedText = QuotedReplies.Trim(text),
            Html = sanitized,
            Parts = parts,
            Automatic = automatic,
            AutomaticEvidence = evidence,
            Report = DeliveryReports.Read(message),
            Warnings = warnings,
            Date = message.Date == DateTimeOffset.MinValue ? null : message.Date,
        };
    }

    /// <summary>The Message-ID as the de-duplication key; a long or missing one is replaced by a hash, so the key fits and is stable.</summary>
    public static string ProviderId(MimeMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!string.IsNullOrWhiteSpace(message.MessageId) && message.MessageId.Length <= MaxProviderIdLength)
        {
            return message.MessageId;
        }
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        if (!string.IsNullOrWhiteSpace(message.MessageId))
        {
            hash.AppendData(Encoding.UTF8.GetBytes(message.MessageId));
        }
        else
        {
            using var content = new MemoryStream();
            message.WriteTo(content);
            hash.AppendData(content.GetBuffer(), 0, (int)content.Length);
        }
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static (string? Html, string? Text) Bodies(MimeMessage message, List<string> warnings)
    {
        try
        {
            var html = message.HtmlBody;
            var text = message.TextBody;
            if (html is null && text is null && message.BodyParts.OfType<TnefPart>().FirstOrDefault() is { } tnef)
            {
                var converted = tnef.ConvertToMessage();
                return (converted.HtmlBody, converted.TextBody);
            }
            return (html, text);
        }
        catch (Exception ex) when (ex is FormatException or ParseException or ArgumentException or NotSupportedException)
        {
            warnings.Add($"The message body could not be decoded ({ex.Message}).");
            return (null, null);
        }
    }

    private static IReadOnlyList<string> Recipients(MimeMessage message)
    {
        var addresses = message.To.Mailboxes.Concat(message.Cc.Mailboxes).Select(m => m.Address).ToList();
        foreach (var header in new[] { "Delivered-To", "X-Original-To", "Envelope-To" })
        {
            foreach (var value in message.Headers.Where(h => h.Field.Equals(header, StringComparison.OrdinalIgnoreCase)).Select(h => h.Value))
            {
                if (MailboxAddress.TryParse(value.Trim(), out var mailbox))
                {
                    addresses.Add(mailbox.Address);
                }
            }
        }
        return [.. addresses.Where(a => !string.IsNullOrWhiteSpace(a)).Select(a => a.Trim().ToLowerInvariant()).Distinct()];
    }

    private static List<EmailPart> Parts(MimeMessage message, IReadOnlySet<string> shownInline, List<string> warnings, int maxParts)
    {
        var parts = new List<EmailPart>();
        var index = 0;
        foreach (var entity in message.BodyParts)
        {
            index++;
            try
            {
                switch (entity)
                {
                    case TnefPart tnef:
                        parts.AddRange(Tnef(tnef, warnings));
                        break;
                    case MessagePart { Message: { } attached }:
                        var name = SafeFileName((attached.Subject is { Length: > 0 } s ? s : "attached message") + ".eml", index, ".eml");
                        parts.Add(new EmailPart(name, "message/rfc822", null, false, (target, ct) => attached.WriteToAsync(target, ct)));
                        break;
                    case TextPart text when !text.IsAttachment && text.FileName is null:
                        // A body (or one of its alternatives), already read as text or HTML.
                        break;
                    case MimePart part when part is not (MessageDeliveryStatus or MessageDispositionNotification):
                        parts.Add(Part(part, shownInline, index));
                        break;
                }
            }
            catch (Exception ex) when (ex is FormatException or ParseException or ArgumentException or InvalidOperationException or NotSupportedException)
            {
                warnings.Add($"Part {index} ({entity.ContentType.MimeType}) could not be read: {ex.Message}");
            }
        }
        if (parts.Count > maxParts)
        {
            warnings.Add($"The message has {parts.Count} files; the first {maxParts} are kept.");
            parts = parts.Take(maxParts).ToList();
        }
        return parts;
    }

    private static EmailPart Part(MimePart part, IReadOnlySet<string> shownInline, int index)
    {
        var contentId = part.ContentId?.Trim('<', '>');
        var inline = contentId is not null && shownInline.Contains(contentId);
        var type = part.ContentType.MimeType.ToLowerInvariant();
        var name = SafeFileName(part.FileName, index, ExtensionFor(type));
        return new EmailPart(name, type, contentId, inline, async (target, ct) =>
        {
            if (part.Content is null)
            {
                return;
            }
            await part.Content.DecodeToAsync(target, ct);
        });
    }

    private static List<EmailPart> Tnef(TnefPart tnef, List<string> warnings)
    {
        List<MimeEntity> extracted;
        try
        {
            extracted = tnef.ExtractAttachments().ToList();
        }
        catch (Exception ex) when (ex is TnefException or FormatException or ArgumentException)
        {
            warnings.Add($"winmail.dat could not be unpacked ({ex.Message}); it is kept as it came.");
            return [new EmailPart("winmail.dat", "application/ms-tnef", null, false, (t, ct) => tnef.Content?.DecodeToAsync(t, ct) ?? Task.CompletedTask)];
        }
        var index = 0;
        return extracted.OfType<MimePart>().Where(p => p is not TextPart { FileName: null }).Select(p => Part(p, new HashSet<string>(), ++index)).ToList();
    }

    private static string ExtensionFor(string mimeType) => mimeType switch
    {
        "image/png" => ".png",
        "image/jpeg" => ".jpg",
        "image/gif" => ".gif",
        "application/pdf" => ".pdf",
        "text/plain" => ".txt",
        "text/html" => ".html",
        "text/calendar" => ".ics",
        _ => ".bin",
    };

    /// <summary>A name safe for a download header and a file system: no folders, no control characters, at most 200 characters.</summary>
    public static string SafeFileName(string? name, int index, string extension)
    {
        var clean = new string((name ?? "").Where(c => !char.IsControl(c) && c is not ('/' or '\\' or ':' or '*' or '?' or '"' or '<' or '>' or '|')).ToArray()).Trim(' ', '.');
        if (clean.Length == 0)
        {
            clean = $"part-{index}{extension}";
        }
        if (clean.Length <= 200)
        {
            return clean;
        }
        var ext = Path.GetExtension(clean);
        ext = ext.Length <= 20 ? ext : "";
        return clean[..(200 - ext.Length)] + ext;
    }
}
