using System.Globalization;
using Crm.Channels;
using Crm.Channels.Telegram;
using Crm.Hub.Channels;
using Crm.Hub.Hosting;
using Crm.Hub.Storage;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Telegram;

/// <summary>
/// Gets updates from Telegram. Webhook mode: registers our URL and secret with setWebhook. Polling mode (no public
/// https URL, e.g. a laptop): getUpdates in a loop; each batch is handled and committed before its offset is saved,
/// so a crash re-fetches at most one batch, whose messages are then dropped as duplicates.
/// </summary>
internal sealed partial class TelegramReceiver(
    IServiceScopeFactory scopes, IOptionsMonitor<TelegramOptions> options, IOptions<HubOptions> hub, TimeProvider time,
    ILogger<TelegramReceiver> logger) : BackgroundService
{
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failures = 0;
        string? webhookRegisteredFor = null;
        while (!stoppingToken.IsCancellationRequested)
        {
            var telegram = options.CurrentValue;
            try
            {
                if (!telegram.IsConfigured)
                {
                    await Task.Delay(Idle, time, stoppingToken);
                    continue;
                }
                if (telegram.EffectiveMode(hub.Value.PublicBaseUrl) == TelegramMode.Webhook)
                {
                    var registration = $"{telegram.BotToken}|{telegram.WebhookSecret}|{hub.Value.PublicBaseUrl}";
                    if (webhookRegisteredFor != registration)
                    {
                        await RegisterWebhookAsync(telegram, stoppingToken);
                        webhookRegisteredFor = registration;
                    }
                    await Task.Delay(Idle, time, stoppingToken);
                }
                else
                {
                    if (webhookRegisteredFor != "polling")
                    {
                        // getUpdates is refused while a webhook is set.
                        await using var scope = scopes.CreateAsyncScope();
                        await scope.ServiceProvider.GetRequiredService<TelegramBotGateway>().DeleteWebhookAsync(stoppingToken);
                        webhookRegisteredFor = "polling";
                    }
                    if (await PollOnceAsync(telegram, stoppingToken) == 0 && telegram.PollTimeoutSeconds == 0)
                    {
                        // Short polling (tests, debugging): don't spin on an empty queue.
                        await Task.Delay(TimeSpan.FromMilliseconds(200), time, stoppingToken);
                    }
                }
                failures = 0;
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                failures++;
                var delay = Backoff(failures, ex);
                Log.ReceiveFailed(logger, delay.TotalSeconds, ex);
                await Task.Delay(delay, time, stoppingToken);
            }
        }
    }

    private async Task RegisterWebhookAsync(TelegramOptions telegram, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var url = hub.Value.Url(TelegramWebhook.Path);
        await scope.ServiceProvider.GetRequiredService<TelegramBotGateway>().SetWebhookAsync(url, telegram.WebhookSecret!, ct);
        Log.WebhookRegistered(logger, url);
    }

    /// <summary>One long poll: fetch from the saved offset, handle each update, then save the next offset.</summary>
    internal async Task<int> PollOnceAsync(TelegramOptions telegram, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<HubDbContext>();
        var gateway = scope.ServiceProvider.GetRequiredService<TelegramBotGateway>();
        var handler = scope.ServiceProvider.GetRequiredService<TelegramUpdateHandler>();
        var cursor = await db.ChannelCursors.FirstOrDefaultAsync(c => c.Channel == ChannelNames.Telegram && c.AccountId == telegram.BotId, ct);
        var offset = cursor is null ? 0 : int.Parse(cursor.Value, CultureInfo.InvariantCulture);

        var updates = await gateway.GetUpdatesAsync(offset, telegram.PollTimeoutSeconds, ct);
        if (updates.Length == 0)
        {
            return 0;
        }
        foreach (var update in updates.OrderBy(u => u.Id))
        {
            var parsed = TelegramUpdateParser.FromUpdate(update, telegram.BotId);
            if (parsed.Value is { } meaning)
            {
                await handler.HandleAsync(meaning, ct);
            }
            else
            {
                Log.Unreadable(logger, update.Id, parsed.Error);
            }
        }
        var next = (updates.Max(u => u.Id) + 1).ToString(CultureInfo.InvariantCulture);
        if (cursor is null)
        {
            db.ChannelCursors.Add(new ChannelCursor { Channel = ChannelNames.Telegram, AccountId = telegram.BotId, Value = next, UpdatedAt = time.GetUtcNow() });
        }
        else
        {
            cursor.Value = next;
            cursor.UpdatedAt = time.GetUtcNow();
        }
        await db.SaveChangesAsync(ct);
        return updates.Length;
    }

    /// <summary>Honours Telegram's retry_after; otherwise 1 s, 2 s, 4 s ... up to a minute, with jitter.</summary>
    private static TimeSpan Backoff(int failures, Exception ex)
    {
        if (ex is global::Telegram.Bot.Exceptions.ApiRequestException { Parameters.RetryAfter: { } retryAfter })
        {
            return TimeSpan.FromSeconds(retryAfter);
        }
        var seconds = Math.Min(60, Math.Pow(2, Math.Min(failures - 1, 6)));
        return TimeSpan.FromSeconds(seconds * (0.8 + (Random.Shared.NextDouble() * 0.4)));
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "Receiving Telegram updates failed; retrying in {Seconds:0.#} s")]
        public static partial void ReceiveFailed(ILogger logger, double seconds, Exception ex);

        [LoggerMessage(2, LogLevel.Information, "Telegram webhook registered at {Url}")]
        public static partial void WebhookRegistered(ILogger logger, string url);

        [LoggerMessage(3, LogLevel.Warning, "Telegram update {UpdateId} skipped: {Error}")]
        public static partial void Unreadable(ILogger logger, int updateId, string? error);
    }
}
