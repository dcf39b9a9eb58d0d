namespace Crm.Hub.Email;

/// <summary>What an email message has beyond its text: the subject, threading ids, the sanitized HTML and what could not be read.</summary>
internal sealed class EmailDetails
{
    public required string Subject { get; set; }

    /// <summary>The Message-ID header, without angle brackets.</summary>
    public string? InternetMessageId { get; set; }

    public string? InReplyTo { get; set; }

    /// <summary>The References header's ids, space-separated, oldest first.</summary>
    public string? References { get; set; }

    /// <summary>Sanitized HTML with <c>cid:</c> images and remote images held back (<c>data-remote-src</c>).</summary>
    public string? Html { get; set; }

    public bool HasRemoteImages { get; set; }

    /// <summary>The sender's own words without the quoted earlier mail; the full text is the message body.</summary>
    public string? TrimmedText { get; set; }

    /// <summary>Set for mail written by a machine (out-of-office, list, mail system), with the header that showed it.</summary>
    public string? Automatic { get; set; }

    /// <summary>What could not be read as sent, one line each.</summary>
    public string? Warnings { get; set; }

    /// <summary>The address the message was sent to (outbound) or from (inbound), with its display name.</summary>
    public string? Counterpart { get; set; }

    public IReadOnlyList<string> ReferenceList => References?.Split(' ', StringSplitOptions.RemoveEmptyEntries) ?? [];
}

/// <summary>A message the watcher could not store as a conversation message, kept whole for an admin to look at.</summary>
internal sealed class QuarantinedEmail
{
    public Guid Id { get; set; }
    public required string Mailbox { get; set; }
    public required string Folder { get; set; }
    public long UidValidity { get; set; }
    public long Uid { get; set; }
    public string? From { get; set; }
    public string? Subject { get; set; }
    public required string Reason { get; set; }

    /// <summary>The raw message in the attachment store, when it could be saved.</summary>
    public string? StoragePath { get; set; }

    public long Size { get; set; }
    public DateTimeOffset QuarantinedAt { get; set; }
}
