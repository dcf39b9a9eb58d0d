using Crm.Channels;
using Crm.Channels.Telegram;
using Microsoft.Extensions.Options;

namespace Crm.Hub.Telegram;

internal static class TelegramSetup
{
    /// <summary>Telegram through a bot. A hub without <c>Crm:Channels:Telegram:BotToken</c> has no Telegram.</summary>
    public static IServiceCollection AddTelegram(this IServiceCollection services)
    {
        services.AddOptions<TelegramOptions>().BindConfiguration(TelegramOptions.Section)
            .Validate(o => !o.IsConfigured || TelegramOptions.IsValidToken(o.BotToken),
                "Crm:Channels:Telegram:BotToken must look like 123456789:AA... (the token BotFather gave you).")
            .Validate(o => o.Mode != TelegramMode.Webhook || TelegramOptions.IsValidSecret(o.WebhookSecret),
                "Crm:Channels:Telegram:WebhookSecret (1-256 of A-Z a-z 0-9 _ -) is required in webhook mode.")
            .Validate(o => o.WebhookSecret is null || TelegramOptions.IsValidSecret(o.WebhookSecret),
                "Crm:Channels:Telegram:WebhookSecret may only hold 1-256 of A-Z a-z 0-9 _ -.")
            .Validate(o => Uri.TryCreate(o.ApiBaseUrl, UriKind.Absolute, out _), "Crm:Channels:Telegram:ApiBaseUrl must be an absolute URL.")
            .Validate(o => o.PollTimeoutSeconds is >= 0 and <= 50, "Crm:Channels:Telegram:PollTimeoutSeconds must be 0-50.")
            .ValidateOnStart();
        // Long polls hold the request open for PollTimeoutSeconds; the client timeout must outlast it.
        services.AddHttpClient(nameof(TelegramBotGateway), http => http.Timeout = TimeSpan.FromSeconds(70));
        services.AddTransient(sp => new TelegramBotGateway(
            sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(TelegramBotGateway)),
            sp.GetRequiredService<IOptionsMonitor<TelegramOptions>>().CurrentValue));
        services.AddScoped<TelegramUpdateHandler>();
        services.AddSingleton<IChannelSender, TelegramChannelSender>();
        services.AddHostedService<TelegramReceiver>();
        return services;
    }
}
