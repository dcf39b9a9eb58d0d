namespace Crm.Hub.Channels;

/// <summary>
/// How far a pulling channel has read (a Telegram update offset, an IMAP UID), saved after what it read was
/// committed, so a restart neither skips nor repeats work. Keyed by channel and account (bot, mailbox).
/// </summary>
internal sealed class ChannelCursor
{
    public required string Channel { get; set; }
    public required string AccountId { get; set; }
    public required string Value { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}
