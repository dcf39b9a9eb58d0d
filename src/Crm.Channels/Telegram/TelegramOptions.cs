using System.Text.RegularExpressions;

namespace Crm.Channels.Telegram;

public enum TelegramMode
{
    /// <summary>Webhook when the hub has a public https URL, long polling otherwise (a laptop).</summary>
    Auto,
    Webhook,
    Polling,
}

/// <summary>Options of the Telegram channel, section <c>Crm:Channels:Telegram</c>. No bot token means no Telegram.</summary>
public sealed partial class TelegramOptions
{
    public const string Section = "Crm:Channels:Telegram";

    public string? BotToken { get; set; }

    public TelegramMode Mode { get; set; } = TelegramMode.Auto;

    /// <summary>Telegram echoes it in <c>X-Telegram-Bot-Api-Secret-Token</c>; required for webhook mode.</summary>
    public string? WebhookSecret { get; set; }

    public string ApiBaseUrl { get; set; } = "https://api.telegram.org";

    public int PollTimeoutSeconds { get; set; } = 25;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(BotToken);

    /// <summary>The bot's numeric id: the digits before the colon of its token, our account id for the channel.</summary>
    public string BotId => BotToken is { } token && token.IndexOf(':', StringComparison.Ordinal) is > 0 and var colon ? token[..colon] : "";

    public static bool IsValidToken(string? token) => token is not null && TokenPattern().IsMatch(token);

    public static bool IsValidSecret(string? secret) => secret is not null && SecretPattern().IsMatch(secret);

    /// <summary>The mode in effect: Auto picks webhooks only when Telegram can reach us over https.</summary>
    public TelegramMode EffectiveMode(string publicBaseUrl)
    {
        if (Mode != TelegramMode.Auto)
        {
            return Mode;
        }
        return Uri.TryCreate(publicBaseUrl, UriKind.Absolute, out var url) && url.Scheme == Uri.UriSchemeHttps && !url.IsLoopback
            && !url.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase) && IsValidSecret(WebhookSecret)
            ? TelegramMode.Webhook
            : TelegramMode.Polling;
    }

    [GeneratedRegex(@"^\d{1,16}:[A-Za-z0-9_-]+$")]
    private static partial Regex TokenPattern();

    [GeneratedRegex("^[A-Za-z0-9_-]{1,256}$")]
    private static partial Regex SecretPattern();
}
