using System.Globalization;
using System.Text.Json;
using Crm.Channels.Sms;
using Telegram.Bot;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Crm.Channels.Telegram;

/// <summary>
/// Turns the Bot API's <c>Update</c> JSON into what the hub does with it. Pure: the same bytes always give the same
/// answer, and no input throws — a body that is not an update is an error for a 400.
/// </summary>
public static class TelegramUpdateParser
{
    public static WebhookParse<TelegramUpdate> Parse(ReadOnlySpan<byte> json, string botId)
    {
        Update? update;
        try
        {
            update = JsonSerializer.Deserialize<Update>(json, JsonBotAPI.Options);
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or ArgumentException or InvalidOperationException or FormatException or OverflowException)
        {
            return WebhookParse.Fail<TelegramUpdate>($"The body is not a Telegram update: {ex.Message}");
        }
        return update is null
            ? WebhookParse.Fail<TelegramUpdate>("The body is not a Telegram update (null).")
            : FromUpdate(update, botId);
    }

    public static WebhookParse<TelegramUpdate> FromUpdate(Update update, string botId)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (update.Id <= 0)
        {
            return WebhookParse.Fail<TelegramUpdate>("update_id is missing.");
        }
        if (update.Message is { } message)
        {
            return Received(update.Id, message, botId);
        }
        if (update.EditedMessage is { } edited)
        {
            if (edited.Chat is null || edited.Chat.Type != ChatType.Private)
            {
                return WebhookParse.Ok<TelegramUpdate>(new TelegramIgnored(update.Id, "edit outside a private chat"));
            }
            var editedAt = edited.EditDate is { } d ? new DateTimeOffset(DateTime.SpecifyKind(d, DateTimeKind.Utc)) : Utc(edited.Date);
            return WebhookParse.Ok<TelegramUpdate>(new TelegramMessageEdited(update.Id, ProviderId(edited), Body(edited), editedAt));
        }
        if (update.MyChatMember is { } member && member.Chat.Type == ChatType.Private && member.From is { } user)
        {
            var blocked = member.NewChatMember?.Status is ChatMemberStatus.Kicked or ChatMemberStatus.Left;
            return WebhookParse.Ok<TelegramUpdate>(new TelegramBlockChanged(update.Id, Address(user.Id, botId), blocked));
        }
        return WebhookParse.Ok<TelegramUpdate>(new TelegramIgnored(update.Id, $"update type {update.Type}"));
    }

    private static WebhookParse<TelegramUpdate> Received(int updateId, Message message, string botId)
    {
        // Customers write to the bot in private chats; group chatter is not a customer contact.
        if (message.Chat is null || message.Chat.Type != ChatType.Private || message.From is not { IsBot: false } from)
        {
            return WebhookParse.Ok<TelegramUpdate>(new TelegramIgnored(updateId, "not a customer's private message"));
        }
        var files = new List<TelegramFile>();
        if (message.Photo is { Length: > 0 } photo)
        {
            var largest = photo[^1];
            files.Add(new TelegramFile(largest.FileId, $"photo-{message.MessageId}.jpg", "image/jpeg", largest.FileSize));
        }
        if (message.Document is { } document)
        {
            files.Add(new TelegramFile(document.FileId, document.FileName ?? $"document-{message.MessageId}",
                document.MimeType ?? "application/octet-stream", document.FileSize));
        }
        string? verifiedPhone = null;
        var body = Body(message);
        if (message.Contact is { } contact)
        {
            if (contact.UserId == from.Id && NormalizeSharedPhone(contact.PhoneNumber) is { } phone)
            {
                verifiedPhone = phone;
                body = $"Shared their phone number: {phone}";
            }
            else
            {
                body = string.Join(' ', new[] { "Shared a contact:", contact.FirstName, contact.LastName, contact.PhoneNumber }
                    .Where(s => !string.IsNullOrWhiteSpace(s)));
            }
        }
        if (body.Length == 0 && files.Count == 0)
        {
            return WebhookParse.Ok<TelegramUpdate>(new TelegramIgnored(updateId, "a message kind the hub does not show (sticker, poll...)"));
        }
        var name = string.Join(' ', new[] { from.FirstName, from.LastName }.Where(s => !string.IsNullOrWhiteSpace(s)));
        var inbound = new InboundMessage(Address(from.Id, botId), ProviderId(message), body, Utc(message.Date),
            SenderName: name.Length == 0 ? from.Username : name);
        return WebhookParse.Ok<TelegramUpdate>(new TelegramMessageReceived(updateId, inbound, message.Chat.Id, files, verifiedPhone));
    }

    /// <summary>Message ids are per chat: the chat id makes them unique for the bot.</summary>
    public static string ProviderId(Message message) =>
        string.Create(CultureInfo.InvariantCulture, $"{message.Chat.Id}:{message.MessageId}");

    private static ChannelAddress Address(long userId, string botId) =>
        new(ChannelNames.Telegram, botId, userId.ToString(CultureInfo.InvariantCulture));

    private static string Body(Message message) => (message.Text ?? message.Caption ?? "").Trim();

    private static DateTimeOffset Utc(DateTime date) => new(DateTime.SpecifyKind(date, DateTimeKind.Utc));

    /// <summary>Telegram sends the number without '+' more often than not; digits only means international form.</summary>
    internal static string? NormalizeSharedPhone(string? raw)
    {
        var trimmed = (raw ?? "").Trim().Replace(" ", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        var digits = trimmed.StartsWith('+') ? trimmed[1..] : trimmed;
        return digits.Length is >= 6 and <= 15 && digits.All(char.IsAsciiDigit) ? "+" + digits : null;
    }
}
