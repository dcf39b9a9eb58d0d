namespace Crm.Channels.Telegram;

/// <summary>What one Telegram update means to the hub.</summary>
public abstract record TelegramUpdate(int UpdateId);

/// <summary>
/// A customer's message. <see cref="Files"/> are still at Telegram and must be downloaded before the message is
/// committed; <see cref="VerifiedPhone"/> is set when the customer shared their own contact card.
/// </summary>
public sealed record TelegramMessageReceived(int UpdateId, InboundMessage Message, long ChatId, IReadOnlyList<TelegramFile> Files,
    string? VerifiedPhone) : TelegramUpdate(UpdateId);

/// <summary>The customer edited an earlier message; <see cref="ProviderMessageId"/> names it.</summary>
public sealed record TelegramMessageEdited(int UpdateId, string ProviderMessageId, string Body, DateTimeOffset EditedAt) : TelegramUpdate(UpdateId);

/// <summary>The customer blocked the bot (an opt-out) or started it again.</summary>
public sealed record TelegramBlockChanged(int UpdateId, ChannelAddress User, bool Blocked) : TelegramUpdate(UpdateId);

/// <summary>An update the hub has no use for (a group post, a poll...); acknowledged and dropped.</summary>
public sealed record TelegramIgnored(int UpdateId, string Reason) : TelegramUpdate(UpdateId);

/// <summary>A photo or document the customer sent, by Telegram's file id.</summary>
public sealed record TelegramFile(string FileId, string FileName, string ContentType, long? Size);
