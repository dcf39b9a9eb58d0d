using System.Globalization;
using Crm.Channels;
using Crm.Channels.Telegram;
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
        var result = await gateway.SendTextAsync(chatId, message.Body, cancellationToken);
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
}
