using Crm.Channels;

namespace Crm.Hub.Conversations;

internal enum MessageDirection
{
    Inbound,
    Outbound,
    /// <summary>An internal note: agents see it, the customer never does.</summary>
    Note,
}

internal sealed class Message
{
    public Guid Id { get; set; }
    public Guid ConversationId { get; set; }
    public MessageDirection Direction { get; set; }
    public required string Channel { get; set; }
    public required string Body { get; set; }
    public Guid? AuthorAgentId { get; set; }

    /// <summary>The provider's id; (Channel, ProviderMessageId) is unique so provider retries are stored once.</summary>
    public string? ProviderMessageId { get; set; }

    public DeliveryStatus? DeliveryStatus { get; set; }
    public string? DeliveryError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the customer last edited the message on their side (Telegram); earlier bodies are in the event list.</summary>
    public DateTimeOffset? EditedAt { get; set; }

    public List<Attachment> Attachments { get; set; } = [];

    /// <summary>Subject, threading and HTML of an email message; null on other channels.</summary>
    public Email.EmailDetails? Email { get; set; }
}

internal sealed class Attachment
{
    public Guid Id { get; set; }
    public Guid MessageId { get; set; }
    public required string FileName { get; set; }
    public required string ContentType { get; set; }
    public long Size { get; set; }
    public required string Sha256 { get; set; }
    public required string StoragePath { get; set; }

    /// <summary>Page count of a PDF (faxes), when known.</summary>
    public int? Pages { get; set; }

    /// <summary>The Content-ID an email's HTML shows this file by (<c>cid:</c>).</summary>
    public string? ContentId { get; set; }

    /// <summary>Shown inside the email's body rather than listed as a file.</summary>
    public bool Inline { get; set; }
}
