namespace Crm.Channels;

/// <summary>
/// A message from a customer, parsed from a channel's wire format. Its <c>ProviderMessageId</c> is the
/// provider's id for the message; duplicates of it on the same channel are dropped.
/// </summary>
public sealed record InboundMessage(
    ChannelAddress From,
    string ProviderMessageId,
    string Body,
    DateTimeOffset ReceivedAt,
    string? SenderName = null,
    string? SenderEmail = null,
    IReadOnlyList<InboundAttachment>? Attachments = null)
{
    /// <summary>The sender's address as the provider wrote it, when normalizing changed it (a national phone number).</summary>
    public string? RawFromAddress { get; init; }
}

/// <summary>A file stored with an inbound message; <c>Pages</c> is a PDF's page count when known.</summary>
public sealed record InboundAttachment(string FileName, string ContentType, long Size, string Sha256, string StoragePath, int? Pages = null)
{
    /// <summary>The Content-ID an email's HTML shows the file by.</summary>
    public string? ContentId { get; init; }

    /// <summary>Shown inside an email's body rather than listed as a file.</summary>
    public bool Inline { get; init; }
}
