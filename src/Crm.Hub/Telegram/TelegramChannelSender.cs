using System.Globalization;
using Crm.Channels;
using Crm.Channels.Telegram;
using Crm.Hub.Attachments;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Telegram;

/// <summary>The outbox's way out for Telegram: the customer's private chat with the bot, whose id is their user id.</summary>
internal sealed class TelegramChannelSender(IServiceScopeFactory scopes, IOptionsMonitor<TelegramOptions> options, TimeProvider time) : IChannelSender
{
    public string Channel => ChannelNames.Telegram;

    // sendMessage has no idempotency key: after a crash mid-send the outcome is unknown.
    public bool IsIdempotent => false;

    public async Task<SendResult> SendAsync(OutboundMessage message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (!options.CurrentValue.IsConfigured)
        {
            return SendResult.Permanent("Telegram is not configured on this hub (Crm:Channels:Telegram:BotToken).");
        }
        if (!long.TryParse(message.To.Address, NumberStyles.Integer, CultureInfo.InvariantCulture, out var chatId))
        {
            return SendResult.Permanent($"'{message.To.Address}' is not a Telegram chat id.");
        }
        await using var scope = scopes.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<TelegramBotGateway>();
        var result = await SendAllAsync(gateway, scope.ServiceProvider.GetRequiredService<AttachmentStore>(), chatId, message, cancellationToken);
        if (result is { Outcome: SendOutcome.PermanentFailure, Error: { } error } && error.StartsWith(TelegramBotGateway.BlockedPrefix, StringComparison.Ordinal))
        {
            // The customer blocked the bot: nothing reaches them until they start it again.
            var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
            await db.ChannelIdentities
                .Where(i => i.Channel == ChannelNames.Telegram && i.AccountId == message.To.AccountId && i.Address == message.To.Address && i.OptedOutAt == null)
                .ExecuteUpdateAsync(u => u.SetProperty(i => i.OptedOutAt, time.GetUtcNow()), cancellationToken);
        }
        return result;
    }

    /// <summary>
    /// Text alone as a message; with files, each as a document, the text as the first one's caption when it fits
    /// Telegram's 1,024-character caption, otherwise as a message before them. Stops at the first failure.
    /// </summary>
    private static async Task<SendResult> SendAllAsync(TelegramBotGateway gateway, AttachmentStore store, long chatId, OutboundMessage message,
        CancellationToken ct)
    {
        if (message.Files.Count == 0)
        {
            return await gateway.SendTextAsync(chatId, message.Body, ct);
        }
        var caption = message.Body.Length is > 0 and <= 1024 ? message.Body : null;
        if (caption is null && message.Body.Length > 0)
        {
            var text = await gateway.SendTextAsync(chatId, message.Body, ct);
            if (text.Outcome != SendOutcome.Sent)
            {
                return text;
            }
        }
        SendResult last = SendResult.Permanent("Nothing to send.");
        foreach (var file in message.Files)
        {
            if (store.OpenRead(file.StoragePath) is not { } stream)
            {
                return SendResult.Permanent($"The attached file {file.FileName} is no longer in the attachment store.");
            }
            await using (stream)
            {
                last = await gateway.SendDocumentAsync(chatId, stream, file.FileName, caption, ct);
            }
            if (last.Outcome != SendOutcome.Sent)
            {
                return last;
            }
            caption = null;
        }
        return last;
    }
}
