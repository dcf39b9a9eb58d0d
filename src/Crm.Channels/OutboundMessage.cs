namespace Crm.Channels;

/// <summary>A message to send to a customer. <c>MessageId</c> is our id, used as the idempotency key.</summary>
public sealed record OutboundMessage(Guid MessageId, ChannelAddress To, string Body, string? SenderName, DateTimeOffset CreatedAt)
{
    /// <summary>Files the agent attached, kept in the hub's attachment store under <see cref="OutboundFile.StoragePath"/>.</summary>
    public IReadOnlyList<OutboundFile> Files { get; init; } = [];
}

public sealed record OutboundFile(string FileName, string ContentType, long Size, string StoragePath);

/// <summary>Which channels can carry files an agent attaches, and which kinds.</summary>
public static class OutboundFiles
{
    /// <summary>Null when the channel takes the file; otherwise why not, for the agent.</summary>
    public static string? Refusal(string channel, string contentType) => channel switch
    {
        ChannelNames.Telegram or ChannelNames.Email => null,
        ChannelNames.Fax => contentType == "application/pdf" ? null : "A fax can only carry PDF files.",
        _ => $"Files cannot be sent on {channel} yet; send them by email, on Telegram or as a PDF by fax.",
    };
}

/// <summary>What a channel sender reports back.</summary>
public sealed record SendResult(SendOutcome Outcome, string? ProviderMessageId = null, string? Error = null, TimeSpan? RetryAfter = null)
{
    public static SendResult Sent(string? providerMessageId) => new(SendOutcome.Sent, providerMessageId);
    public static SendResult Transient(string error, TimeSpan? retryAfter = null) => new(SendOutcome.TransientFailure, Error: error, RetryAfter: retryAfter);
    public static SendResult Permanent(string error) => new(SendOutcome.PermanentFailure, Error: error);
}

public enum SendOutcome
{
    Sent,
    /// <summary>Try again later (network, throttling, 5xx).</summary>
    TransientFailure,
    /// <summary>Retrying cannot help (invalid address, opted out).</summary>
    PermanentFailure,
}

/// <summary>The seam between the outbox and one channel's wire.</summary>
public interface IChannelSender
{
    string Channel { get; }

    /// <summary>
    /// True when sending the same <see cref="OutboundMessage.MessageId"/> twice cannot reach the customer twice,
    /// so a send interrupted by a crash may be repeated; otherwise it is marked unknown.
    /// </summary>
    bool IsIdempotent { get; }

    Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken);
}
