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

    /// <summary>Until when Telegram told the bot to wait (UTC ticks; 0 = not throttled). A 429 blocks the whole bot, not one chat.</summary>
    private long _throttledUntil;

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
        // Telegram's 429 "retry after S" holds for every chat of the bot (PROTOCOLS §2): the other messages wait it out
        // here, each rescheduled for the end of the pause, instead of each earning its own 429 and extending the block.
        var now = time.GetUtcNow();
        var until = Interlocked.Read(ref _throttledUntil);
        if (until > now.UtcTicks)
        {
            var wait = TimeSpan.FromTicks(until - now.UtcTicks);
            return SendResult.Transient($"429: Telegram asked the bot to wait {Math.Ceiling(wait.TotalSeconds).ToString(CultureInfo.InvariantCulture)} s more (retry_after)", wait);
        }
        await using var scope = scopes.CreateAsyncScope();
        var gateway = scope.ServiceProvider.GetRequiredService<TelegramBotGateway>();
        var result = await SendAllAsync(gateway, scope.ServiceProvider.GetRequiredService<AttachmentStore>(), chatId, message, cancellationToken);
        if (result is { Outcome: SendOutcome.TransientFailure, RetryAfter: { } retryAfter } && result.Error?.StartsWith("429", StringComparison.Ordinal) == true)
        {
            var end = (time.GetUtcNow() + retryAfter).UtcTicks;
            // Keep the later of two concurrent 429s' ends.
            for (var seen = Interlocked.Read(ref _throttledUntil); seen < end; seen = Interlocked.Read(ref _throttledUntil))
            {
                if (Interlocked.CompareExchange(ref _throttledUntil, end, seen) == seen)
                {
                    break;
                }
            }
        }
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
