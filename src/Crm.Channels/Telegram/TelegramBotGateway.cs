using System.Net;
using Telegram.Bot;
using Telegram.Bot.Exceptions;
using Telegram.Bot.Types;
using Telegram.Bot.Types.Enums;

namespace Crm.Channels.Telegram;

/// <summary>
/// The Bot API calls the hub makes, with failures classified the way the outbox needs them: 429 is transient after
/// <c>retry_after</c>; "bot was blocked by the user" is an opt-out; other 4xx are permanent; 5xx and transport errors transient.
/// </summary>
public sealed class TelegramBotGateway
{
    public const string BlockedPrefix = "blocked:";
    public const int MaxDownloadBytes = 20 * 1024 * 1024;

    private readonly TelegramBotClient _bot;

    public TelegramBotGateway(HttpClient http, TelegramOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (!TelegramOptions.IsValidToken(options.BotToken))
        {
            throw new InvalidOperationException($"{TelegramOptions.Section}:BotToken is not a bot token (<digits>:<secret>).");
        }
        // Telegram.Bot would otherwise sleep through 429s itself; the outbox schedules the retry instead.
        _bot = new TelegramBotClient(new TelegramBotClientOptions(options.BotToken!, options.ApiBaseUrl.TrimEnd('/')) { RetryThreshold = 0 }, http);
    }

    public ITelegramBotClient Client => _bot;

    public async Task<SendResult> SendTextAsync(long chatId, string text, CancellationToken ct)
    {
        try
        {
            var sent = await _bot.SendMessage(chatId, text, cancellationToken: ct);
            return SendResult.Sent(TelegramUpdateParser.ProviderId(sent));
        }
        catch (Exception ex) when (ex is ApiRequestException or RequestException or HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return Classify(ex);
        }
    }

    public async Task<SendResult> SendDocumentAsync(long chatId, Stream content, string fileName, string? caption, CancellationToken ct)
    {
        try
        {
            var sent = await _bot.SendDocument(chatId, InputFile.FromStream(content, fileName), caption: caption, cancellationToken: ct);
            return SendResult.Sent(TelegramUpdateParser.ProviderId(sent));
        }
        catch (Exception ex) when (ex is ApiRequestException or RequestException or HttpRequestException || (ex is TaskCanceledException && !ct.IsCancellationRequested))
        {
            return Classify(ex);
        }
    }

    /// <summary>Copies a file the customer sent into <paramref name="destination"/>; Telegram serves bots files up to 20 MB.</summary>
    public async Task DownloadAsync(string fileId, Stream destination, CancellationToken ct)
    {
        var file = await _bot.GetFile(fileId, ct);
        if (file.FileSize > MaxDownloadBytes || file.FilePath is null)
        {
            throw new InvalidDataException($"Telegram does not let bots download this file ({file.FileSize} bytes).");
        }
        await _bot.DownloadFile(file.FilePath, destination, ct);
    }

    public Task<Update[]> GetUpdatesAsync(int offset, int timeoutSeconds, CancellationToken ct) =>
        _bot.GetUpdates(offset, 100, timeoutSeconds, AllowedUpdates, ct);

    public Task SetWebhookAsync(string url, string secret, CancellationToken ct) =>
        _bot.SetWebhook(url, allowedUpdates: AllowedUpdates, secretToken: secret, cancellationToken: ct);

    public Task DeleteWebhookAsync(CancellationToken ct) => _bot.DeleteWebhook(cancellationToken: ct);

    public static IReadOnlyList<UpdateType> AllowedUpdates { get; } = [UpdateType.Message, UpdateType.EditedMessage, UpdateType.MyChatMember];

    internal static SendResult Classify(Exception ex)
    {
        if (ex is ApiRequestException api)
        {
            var error = $"{api.ErrorCode}: {api.Message}";
            if (api.ErrorCode == (int)HttpStatusCode.TooManyRequests)
            {
                return SendResult.Transient(error, api.Parameters?.RetryAfter is { } s ? TimeSpan.FromSeconds(s) : TimeSpan.FromSeconds(1));
            }
            if (api.ErrorCode == (int)HttpStatusCode.Forbidden)
            {
                return SendResult.Permanent($"{BlockedPrefix} {api.Message}");
            }
            return api.ErrorCode is >= 400 and < 500 ? SendResult.Permanent(error) : SendResult.Transient(error);
        }
        return SendResult.Transient($"network: {ex.Message}");
    }
}
